//! The search index, and the text it is made from: a briefing's prose with its figures
//! printed as readers see them, without markdown or chart blocks (`plain_text`).
//!
//! The index is a set of small files under `routes::SEARCH_INDEX` that the search page's
//! script loads only when a reader searches, one `<script src>` at a time (pages opened from
//! disk may not fetch files, but they may load scripts). Each file calls the global function
//! `quarterlySearch(kind, number, data)`; its JSON is written by `escape::json_in_js_file`.
//!
//! - Briefings are numbered by time, oldest 0, so a briefing keeps its id when quarters are
//!   added; results are shown newest first.
//! - Tokens (`tokens`): the text is folded as the script folds a query (NFKD, combining
//!   accents U+0300–U+036F dropped, lowercase, NFC), then cut into numbers (digits, with a `.`
//!   kept between two digits: `9.2`), words (a letter, then letters and digits: `q3`, `x86`),
//!   and runs of Chinese, Japanese or Korean characters, which give every character and every
//!   pair of neighbours (`阿里云` gives `阿`, `里`, `云`, `阿里`, `里云`). A query's words must
//!   each match a whole token; a query's CJK run is looked up by its pairs (or its one
//!   character), so any part of a Chinese name finds it.
//! - `t-xx.js`, the terms: `quarterlySearch("t",N,{"token":"postings",…})`, 256 shards, `xx`
//!   the shard in hex. A token lives in the shard `shard_of` gives it: the 32-bit FNV-1a hash
//!   of its UTF-8 bytes, modulo 256. Keys are sorted. Postings are the ids of the briefings
//!   holding the token, written as `postings` says: gaps between ids in a base-32 form that
//!   needs no separator, with runs of consecutive ids counted, or a bitmap (`~…`) when that
//!   is shorter, so a token in most briefings costs one character per six of them. Every
//!   shard is written, empty ones too.
//! - `d-n.js`, the briefings: `quarterlySearch("d",n,[[title,period,url,summary],…])` for ids
//!   `32n` to `32n+31`; the URL is relative to the site root.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::escape::json_in_js_file;
use crate::model::{Data, OutputFile, Segment};
use crate::routes;

/// How many files the terms are spread over.
pub const SHARDS: usize = 256;
/// How many briefings one file of results describes.
pub const BLOCK: usize = 32;

/// The words of a briefing as a reader sees them, for the index to cut into tokens (spaces
/// are left as they come: tokens never hold one).
pub fn plain_text(data: &Data, body: &[Segment]) -> String {
    let mut text = String::new();
    for segment in body {
        match segment {
            Segment::Markdown(md) => {
                for event in pulldown_cmark::Parser::new(md) {
                    match event {
                        pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) => {
                            text.push_str(&t)
                        }
                        pulldown_cmark::Event::SoftBreak
                        | pulldown_cmark::Event::HardBreak
                        | pulldown_cmark::Event::End(_) => text.push(' '),
                        _ => {}
                    }
                }
            }
            Segment::Figure(f) => {
                let shown = data.dataset(&f.dataset.id).and_then(|d| {
                    let c = d.column_index(&f.column.id)?;
                    let v = d.value(c, f.period)?;
                    let shown = v.version_from(f.source.as_ref().map(|s| s.id.as_str()));
                    Some(d.format_value(c, shown.number, shown.qualifier))
                });
                text.push_str(&shown.unwrap_or_default());
            }
            Segment::Quote(q) => text.push_str(&q.text),
            Segment::Calc(c) => text.push_str(&data.calculate(c).unwrap_or_default()),
            Segment::Cite(_) | Segment::Chart(_) => {}
        }
    }
    text
}

/// One briefing as a result shows it.
pub struct Document {
    pub title: String,
    pub period: String,
    /// Relative to the site root.
    pub url: String,
    pub summary: String,
}

/// `text` as tokens are read from it: compatibility forms and accents folded, lowercase.
/// Normalization never reaches across an ASCII space, so each stretch between spaces is
/// folded alone, and an ASCII one (most of them) just lowercased.
pub fn fold(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len());
    // The word being read starts at `word`; while it is all ASCII it goes out lowercased as
    // it is read, and once it is not, it goes out whole through `fold_unicode` at its end.
    let mut word = 0;
    let mut ascii = true;
    let end_word = |out: &mut Vec<u8>, word: usize, end: usize, ascii: bool| {
        if !ascii {
            out.extend_from_slice(fold_unicode(text.get(word..end).unwrap_or("")).as_bytes());
        }
    };
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_whitespace() {
            end_word(&mut out, word, i, ascii);
            out.push(b' ');
            word = i + 1;
            ascii = true;
        } else if !b.is_ascii() {
            if ascii {
                out.truncate(out.len() - (i - word));
                ascii = false;
            }
        } else if ascii {
            out.push(b.to_ascii_lowercase());
        }
    }
    end_word(&mut out, word, bytes.len(), ascii);
    // Every piece is whole UTF-8, so this never loses a character.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `fold` for text with characters beyond ASCII.
fn fold_unicode(text: &str) -> String {
    let decomposed = DecomposingNormalizerBorrowed::new_nfkd().normalize(text);
    let bare: String = decomposed
        .chars()
        .filter(|c| !('\u{300}'..='\u{36F}').contains(c))
        .collect();
    ComposingNormalizerBorrowed::new_nfc()
        .normalize(&bare.to_lowercase())
        .into_owned()
}

/// Letters written without spaces between words: Han (with 々 and 〆), kana and Hangul
/// syllables. None is a number (〇 is, and is read as one). `search.js` lists the same ranges.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3005}'..='\u{3006}'
        | '\u{3041}'..='\u{3096}'
        | '\u{309D}'..='\u{309F}'
        | '\u{30A1}'..='\u{30FA}'
        | '\u{30FC}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

/// Calls `found` with every token of `folded` (text as `fold` leaves it), in text order,
/// repeats included.
fn each_token<'t>(folded: &'t str, mut found: impl FnMut(&'t str)) {
    // Where the character at byte `at` ends, and the character, if any (ASCII, most of
    // the text, without decoding).
    let bytes = folded.as_bytes();
    let next = |at: usize| match bytes.get(at) {
        Some(&b) if b.is_ascii() => Some((at + 1, char::from(b))),
        Some(_) => folded
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .map(|c| (at + c.len_utf8(), c)),
        None => None,
    };
    // How far a run of the ASCII bytes `keep` takes goes from `at`.
    let run = |mut at: usize, keep: fn(&u8) -> bool| {
        while bytes.get(at).is_some_and(keep) {
            at += 1;
        }
        at
    };
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        // ASCII outside words and numbers (spaces, punctuation) is skipped byte by byte.
        if b.is_ascii() && !b.is_ascii_alphanumeric() {
            at += 1;
            continue;
        }
        let Some((mut end, c)) = next(at) else {
            break;
        };
        let start = at;
        if is_cjk(c) {
            let mut starts = vec![start];
            while let Some((after, _)) = next(end).filter(|(_, c)| is_cjk(*c)) {
                starts.push(end);
                end = after;
            }
            starts.push(end);
            for k in 0..starts.len() - 1 {
                found(&folded[starts[k]..starts[k + 1]]);
                if let Some(&pair_end) = starts.get(k + 2) {
                    found(&folded[starts[k]..pair_end]);
                }
            }
        } else if c.is_numeric() {
            loop {
                end = run(end, u8::is_ascii_digit);
                while let Some((after, _)) = next(end).filter(|(_, c)| c.is_numeric()) {
                    end = after;
                }
                match next(end) {
                    Some((dot_end, '.')) if next(dot_end).is_some_and(|(_, c)| c.is_numeric()) => {
                        end = dot_end;
                    }
                    _ => break,
                }
            }
            found(&folded[start..end]);
        } else if c.is_alphabetic() {
            loop {
                end = run(end, u8::is_ascii_alphanumeric);
                match next(end).filter(|(_, c)| c.is_alphanumeric() && !is_cjk(*c)) {
                    Some((after, _)) => end = after,
                    None => break,
                }
            }
            found(&folded[start..end]);
        }
        at = end;
    }
}

/// The shard a token lives in: FNV-1a (32 bits) of its UTF-8 bytes, modulo `SHARDS`.
pub fn shard_of(token: &str) -> usize {
    let hash = token.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    hash as usize % SHARDS
}

/// The digits postings are written with, each worth its place: `0`–`9`, `a`–`z`, `A`–`Z`,
/// `-`, `_` (0 to 63). None needs escaping in JSON.
const DIGITS: &[u8; 64] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

fn digit(value: usize) -> char {
    char::from(DIGITS.get(value).copied().unwrap_or(b'0'))
}

/// `n` in base 32, most significant digit first, every digit but the last raised by 32, so
/// numbers need no separator: the last digit is one of `0`–`v`.
fn push_number(out: &mut String, mut n: usize) {
    let mut digits = vec![n % 32];
    n /= 32;
    while n > 0 {
        digits.push(n % 32 + 32);
        n /= 32;
    }
    out.extend(digits.iter().rev().map(|&d| digit(d)));
}

/// Strictly ascending ids as the shorter of two forms:
/// - gaps: each id as its distance from the one before (the first from -1), a number as
///   `push_number` writes it; a gap of 0 is followed by a count `r`, the `r` ids right after
///   the one before (a run), so a token in a long stretch of briefings costs a few digits;
/// - a bitmap, for tokens in many briefings: `~`, then one digit for each six ids from 0,
///   the bit worth 2^j set when id 6i + j holds the token.
pub fn postings(ids: &[usize]) -> String {
    let mut gaps = String::new();
    let mut next = 0;
    let mut i = 0;
    while let Some(&id) = ids.get(i) {
        let mut run = 0;
        while ids.get(i + run + 1) == Some(&(id + run + 1)) {
            run += 1;
        }
        push_number(&mut gaps, id + 1 - next);
        if run >= 3 {
            push_number(&mut gaps, 0);
            push_number(&mut gaps, run);
        } else {
            run = 0;
        }
        next = id + run + 1;
        i += run + 1;
    }
    let mut bits = vec![0; ids.last().map_or(0, |last| last / 6 + 1)];
    for &id in ids {
        if let Some(b) = bits.get_mut(id / 6) {
            *b |= 1 << (id % 6);
        }
    }
    if bits.len() + 1 < gaps.len() {
        std::iter::once('~')
            .chain(bits.into_iter().map(digit))
            .collect()
    } else {
        gaps
    }
}

/// The files of `index`, the index of `documents` (oldest first): every shard of terms,
/// then every block of briefings, each with its path.
pub fn index_files_of(
    index: &Index,
    documents: &[Document],
) -> Result<Vec<OutputFile>, serde_json::Error> {
    let terms = (0..SHARDS).into_par_iter().map(|n| index.shard_file(n));
    let docs = documents
        .par_chunks(BLOCK)
        .enumerate()
        .map(|(n, block)| docs_file(block, n));
    terms.chain(docs).collect()
}

/// A text folded, and where each of its tokens stands in it, once each.
type Tokens = (String, Vec<Range<usize>>);

/// The tokens of a briefing's text, once each.
fn tokens_of(text: &str) -> Tokens {
    let folded = fold(text);
    let mut tokens: FxHashSet<&str> = FxHashSet::default();
    each_token(&folded, |token| {
        tokens.insert(token);
    });
    let ranges: Vec<Range<usize>> = tokens
        .iter()
        .map(|token| {
            let start = token.as_ptr() as usize - folded.as_ptr() as usize;
            start..start + token.len()
        })
        .collect();
    (folded, ranges)
}

/// The terms of the index: for each shard, each token with the ids of the briefings that
/// hold it, ascending. Kept by the preview server, so an edit to one briefing rewrites only
/// the shards its tokens live in.
#[derive(Debug)]
pub struct Index {
    shards: Vec<FxHashMap<String, Vec<u32>>>,
}

impl Index {
    /// The index of `count` briefings, each found by the text `text_of(id)` gives.
    pub fn build(count: usize, text_of: impl Fn(usize) -> String + Sync) -> Index {
        // Briefings are read a few hundred at a time, in parallel, and their tokens filed
        // in order of id, so every list of ids comes out sorted and the text of only a few
        // hundred briefings is held at once.
        const AT_ONCE: usize = 256;
        let mut shards: Vec<FxHashMap<String, Vec<u32>>> = vec![FxHashMap::default(); SHARDS];
        let ids: Vec<usize> = (0..count).collect();
        for some in ids.chunks(AT_ONCE) {
            let read: Vec<(usize, Tokens)> = some
                .par_iter()
                .map(|&id| (id, tokens_of(&text_of(id))))
                .collect();
            for (id, (folded, tokens)) in read {
                let id = u32::try_from(id).unwrap_or(u32::MAX);
                for token in tokens.into_iter().filter_map(|r| folded.get(r)) {
                    let Some(shard) = shards.get_mut(shard_of(token)) else {
                        continue;
                    };
                    match shard.get_mut(token) {
                        Some(postings) => postings.push(id),
                        None => {
                            shard.insert(token.to_string(), vec![id]);
                        }
                    }
                }
            }
        }
        Index { shards }
    }

    /// Briefing `id`'s text changed from `old` to `new`: its id leaves the tokens only the
    /// old text had and joins those only the new one has. The shards that changed, in order.
    pub fn replace(&mut self, id: usize, old: &str, new: &str) -> Vec<usize> {
        let id = u32::try_from(id).unwrap_or(u32::MAX);
        let (old_folded, old_tokens) = tokens_of(old);
        let (new_folded, new_tokens) = tokens_of(new);
        let old: FxHashSet<&str> = old_tokens
            .into_iter()
            .filter_map(|r| old_folded.get(r))
            .collect();
        let new: FxHashSet<&str> = new_tokens
            .into_iter()
            .filter_map(|r| new_folded.get(r))
            .collect();
        let mut changed = BTreeSet::new();
        for &token in old.difference(&new) {
            let n = shard_of(token);
            let Some(shard) = self.shards.get_mut(n) else {
                continue;
            };
            if let Some(postings) = shard.get_mut(token) {
                if let Ok(at) = postings.binary_search(&id) {
                    postings.remove(at);
                    changed.insert(n);
                }
                if postings.is_empty() {
                    shard.remove(token);
                }
            }
        }
        for &token in new.difference(&old) {
            let n = shard_of(token);
            let Some(shard) = self.shards.get_mut(n) else {
                continue;
            };
            let postings = shard.entry(token.to_string()).or_default();
            if let Err(at) = postings.binary_search(&id) {
                postings.insert(at, id);
                changed.insert(n);
            }
        }
        changed.into_iter().collect()
    }

    /// Every id becomes `renumber(id)`, which keeps their order; the shards that changed.
    pub fn renumber(&mut self, renumber: impl Fn(u32) -> u32) -> Vec<usize> {
        let mut changed = Vec::new();
        for (n, shard) in self.shards.iter_mut().enumerate() {
            let mut moved = false;
            for ids in shard.values_mut() {
                for id in ids.iter_mut() {
                    let new = renumber(*id);
                    moved |= new != *id;
                    *id = new;
                }
            }
            if moved {
                changed.push(n);
            }
        }
        changed
    }

    /// The file of shard `n`, its tokens in key order, so it does not depend on hash order.
    pub fn shard_file(&self, n: usize) -> Result<OutputFile, serde_json::Error> {
        let encoded: BTreeMap<&str, String> = self
            .shards
            .get(n)
            .into_iter()
            .flatten()
            .map(|(token, ids)| {
                let ids: Vec<usize> = ids.iter().map(|&id| id as usize).collect();
                (token.as_str(), postings(&ids))
            })
            .collect();
        Ok(OutputFile {
            path: routes::search_terms(n),
            bytes: format!(
                "quarterlySearch(\"t\",{n},{});\n",
                json_in_js_file(&encoded)?
            )
            .into_bytes(),
        })
    }
}

/// The file of `block`, the `n`th block of results.
pub fn docs_file(block: &[Document], n: usize) -> Result<OutputFile, serde_json::Error> {
    let rows: Vec<[&str; 4]> = block
        .iter()
        .map(|d| [&*d.title, &*d.period, &*d.url, &*d.summary])
        .collect();
    Ok(OutputFile {
        path: routes::search_docs(n),
        bytes: format!("quarterlySearch(\"d\",{n},{});\n", json_in_js_file(&rows)?).into_bytes(),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Every token of `text`, once each, sorted.
    fn tokens(text: &str) -> BTreeSet<String> {
        let folded = fold(text);
        let mut out = BTreeSet::new();
        each_token(&folded, |token| {
            out.insert(token.to_string());
        });
        out
    }

    /// The ids `postings` wrote.
    fn read_postings(text: &str) -> Vec<usize> {
        let value = |c: char| DIGITS.iter().position(|&d| char::from(d) == c).unwrap();
        let mut ids = Vec::new();
        if let Some(bitmap) = text.strip_prefix('~') {
            for (i, c) in bitmap.chars().enumerate() {
                ids.extend((0..6).filter(|j| value(c) >> j & 1 == 1).map(|j| 6 * i + j));
            }
            return ids;
        }
        let mut numbers = Vec::new();
        let mut n = 0;
        for c in text.chars() {
            match value(c) {
                v if v >= 32 => n = n * 32 + v - 32,
                v => {
                    numbers.push(n * 32 + v);
                    n = 0;
                }
            }
        }
        let mut numbers = numbers.into_iter();
        let mut next = 0;
        while let Some(gap) = numbers.next() {
            if gap == 0 {
                let run = numbers.next().unwrap();
                ids.extend(next..next + run);
                next += run;
            } else {
                ids.push(next + gap - 1);
                next += gap;
            }
        }
        ids
    }

    /// The first, plainer reading of `fold`, which the quick one must match.
    fn fold_reference(text: &str) -> String {
        let ascii = |bytes: &[u8], out: &mut Vec<u8>| {
            out.extend(bytes.iter().map(|&b| match b {
                b if b.is_ascii_whitespace() => b' ',
                b => b.to_ascii_lowercase(),
            }))
        };
        let mut out = Vec::with_capacity(text.len());
        if text.is_ascii() {
            ascii(text.as_bytes(), &mut out);
        } else {
            for (i, word) in text.split(|c: char| c.is_ascii_whitespace()).enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                if word.is_ascii() {
                    ascii(word.as_bytes(), &mut out);
                } else {
                    out.extend_from_slice(fold_unicode(word).as_bytes());
                }
            }
        }
        // Every piece is whole UTF-8, so this never loses a character.
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// The first, plainer reading of `each_token`, which the quick one must match.
    fn each_token_reference<'t>(folded: &'t str, mut found: impl FnMut(&'t str)) {
        // Where the character at byte `at` ends, and the character, if any (ASCII, most of
        // the text, without decoding).
        let bytes = folded.as_bytes();
        let next = |at: usize| match bytes.get(at) {
            Some(&b) if b.is_ascii() => Some((at + 1, char::from(b))),
            Some(_) => folded
                .get(at..)
                .and_then(|rest| rest.chars().next())
                .map(|c| (at + c.len_utf8(), c)),
            None => None,
        };
        let mut at = 0;
        while let Some((mut end, c)) = next(at) {
            let start = at;
            if is_cjk(c) {
                let mut starts = vec![start];
                while let Some((after, _)) = next(end).filter(|(_, c)| is_cjk(*c)) {
                    starts.push(end);
                    end = after;
                }
                starts.push(end);
                for k in 0..starts.len() - 1 {
                    found(&folded[starts[k]..starts[k + 1]]);
                    if let Some(&pair_end) = starts.get(k + 2) {
                        found(&folded[starts[k]..pair_end]);
                    }
                }
            } else if c.is_numeric() {
                loop {
                    while let Some((after, _)) = next(end).filter(|(_, c)| c.is_numeric()) {
                        end = after;
                    }
                    match next(end) {
                        Some((dot_end, '.'))
                            if next(dot_end).is_some_and(|(_, c)| c.is_numeric()) =>
                        {
                            end = dot_end;
                        }
                        _ => break,
                    }
                }
                found(&folded[start..end]);
            } else if c.is_alphabetic() {
                while let Some((after, _)) =
                    next(end).filter(|(_, c)| c.is_alphanumeric() && !is_cjk(*c))
                {
                    end = after;
                }
                found(&folded[start..end]);
            }
            at = end;
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Text of words, numbers, Chinese, accents, wide forms and punctuation is folded
        /// and cut into the same tokens as the plain readings do.
        #[test]
        fn quick_folding_and_cutting_match_the_plain_readings(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Alibaba", "CLOUD", "x86", "9.2", "1.2.3.", "2023", "阿里云", "(", ")", ".",
                    " ", "\t", "\n", "Café", "e\u{301}", "ＡＢＣ", "Ⅻ", "ガ", "한", "ß", "İ",
                    "US$", "%", "-", "١٢٣", "½", "\u{a0}", "ﬁ", "Σ", "a.b", "0.", "\u{300}",
                ]),
                0..24,
            )
        ) {
            let text: String = pieces.concat();
            let folded = fold(&text);
            proptest::prop_assert_eq!(&folded, &fold_reference(&text));
            let mut quick = Vec::new();
            each_token(&folded, |t| quick.push(t.to_string()));
            let mut plain = Vec::new();
            each_token_reference(&folded, |t| plain.push(t.to_string()));
            proptest::prop_assert_eq!(quick, plain);
        }
    }

    #[test]
    fn folding_word_by_word_gives_the_tokens_folding_the_whole_text_gives() {
        for text in [
            "Alibaba Cloud (阿里云) grew 18% in Q3",
            "Cafe\u{301} Crème ＡＢＣ \u{301}x e\u{301}\u{300} ﬁne Ⅻ ㍻ 株式会社 ﾊﾝｶｸ",
            "tab\tnew\nline\u{a0}nbsp\u{2003}em Straße İstanbul ΣΑΣ",
        ] {
            let mut whole = BTreeSet::new();
            let folded = fold_unicode(text);
            each_token(&folded, |t| {
                whole.insert(t.to_string());
            });
            assert_eq!(tokens(text), whole, "{text}");
        }
    }

    #[test]
    fn text_is_cut_into_words_numbers_and_chinese_pairs() {
        let found = tokens("Alibaba Cloud (阿里云) grew 18% to US$9.2bn in Q3 2023, Café-Crème.");
        let want = [
            "18", "2023", "9.2", "alibaba", "bn", "cafe", "cloud", "creme", "grew", "in", "q3",
            "to", "us", "云", "里", "里云", "阿", "阿里",
        ];
        assert_eq!(found.iter().map(String::as_str).collect::<Vec<_>>(), want);
        // Full-width forms fold to their plain letters; a lone dot ends a number.
        assert_eq!(
            tokens("ＡＢＣ 1.2.3. x86").into_iter().collect::<Vec<_>>(),
            ["1.2.3", "abc", "x86"]
        );
        // Kana keep their voicing marks, and Hangul its syllables.
        assert_eq!(
            tokens("ガ한").into_iter().collect::<Vec<_>>(),
            ["ガ", "ガ한", "한"]
        );
    }

    #[test]
    fn shards_come_from_fnv_1a() {
        // FNV-1a of "" is the offset basis 0x811c9dc5, of "a" 0xe40c292c.
        assert_eq!(shard_of(""), 0xc5);
        assert_eq!(shard_of("a"), 0x2c);
    }

    #[test]
    fn postings_are_gaps_runs_or_bitmaps_and_read_back() {
        assert_eq!(postings(&[]), "");
        assert_eq!(postings(&[0]), "1");
        // Gaps 1, 32, 37 and 1025: two digits from 32 on, three from 1024.
        assert_eq!(postings(&[0, 32, 69, 1094]), "1x0x5xw1");
        // A run: the gap to 5, then 0 and the 20 ids after it.
        assert_eq!(postings(&(5..=25).collect::<Vec<_>>()), "60k");
        // A token in every other briefing is a bitmap: 0b010101 is 21, `l`.
        let even: Vec<usize> = (0..600).step_by(2).collect();
        assert_eq!(postings(&even), format!("~{}", "l".repeat(100)));
        let every: Vec<usize> = (0..10_000).collect();
        assert_eq!(postings(&every), "10FUf");
        for ids in [
            vec![],
            vec![5],
            vec![0, 2, 3, 4, 5, 9, 10, 1000, 1001],
            even,
            every,
            (0..5000)
                .map(|i| i * 7 % 4999)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        ] {
            assert_eq!(read_postings(&postings(&ids)), ids);
        }
    }
}
