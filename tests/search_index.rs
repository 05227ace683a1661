//! The search index of a site of a few hundred generated briefings: its files stay small
//! enough for a query to load little at 10,000 briefings, every word of a briefing is found
//! under that briefing's id (Chinese names by their pairs of characters too), and the blocks
//! of briefings hold what a result shows. The format is described at the top of
//! `src/render/search.rs`; this test reads it on its own terms, hashing and decoding here.

mod fixture;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fixture::Site;

/// Generated briefings, besides the fixture's two (2023-Q1 and 2023-Q3, the newest).
const GENERATED: usize = 400;
/// Briefings in the site; ids count them in time, oldest 0.
const BRIEFINGS: usize = GENERATED + 2;
const SHARDS: usize = 256;
const BLOCK: usize = 32;

// The bound. A query loads the script, one shard of terms per token, and the blocks that
// describe the ten results it shows first (at most ten blocks). At 10,000 briefings the
// goal is 300 KB in all:
//
//   300 KB = 10 KB script (the project's rule for all JavaScript)
//          + 10 blocks of at most 10 KB (32 titles and summaries; a block's size does not
//            grow with the site, so the same bound holds here)
//          + 4 shards (a four-word query, or three words of which one splits in two, such
//            as `9.2bn`; or a five-character Chinese name, looked up by its four pairs)
//
// which leaves 47.5 KB for a shard at 10,000 briefings. A shard grows at most in proportion
// to the briefings: each one adds its own ids to the postings of its tokens, and a gap
// between ids takes the same few digits whatever the site's size (it depends on how common
// the token is, not on how many briefings there are), while new tokens come ever more
// rarely. So a shard here must stay under 47.5 KB × BRIEFINGS / 10,000.
const SCRIPT_BUDGET: usize = 10_000;
const BLOCK_BUDGET: usize = 10_000;
const SHARD_BUDGET_AT_10K: usize = (300_000 - SCRIPT_BUDGET - 10 * BLOCK_BUDGET) / 4;

/// Vendors the prose names, English and Chinese; the first two are the fixture's vendors.
const VENDORS: [(&str, &str); 4] = [
    ("Alibaba Cloud", "阿里云"),
    ("Tencent Cloud", "腾讯云"),
    ("Baidu AI Cloud", "百度智能云"),
    ("Volcano Engine", "火山引擎"),
];

/// A small deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A rank from 0 to n - 1, small ones far more often (roughly Zipf's law, as words in
    /// prose are).
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) as usize).saturating_sub(1).min(n - 1)
    }
}

/// Word `i` of a vocabulary of made-up words, each different: syllables for the digits of
/// `i + 16` in base 16.
fn word(i: usize) -> String {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "va", "de", "gu", "ze", "ho", "bi", "fa",
        "ju",
    ];
    let mut n = i + 16;
    let mut out = Vec::new();
    while n > 0 {
        out.push(SYLLABLES[n % 16]);
        n /= 16;
    }
    out.concat()
}

/// A briefing as generated: its file, what its search result shows, and the tokens a
/// reader may find it by.
struct Generated {
    period: String,
    title: String,
    summary: String,
    file: String,
    tokens: BTreeSet<String>,
    /// Whether the text names Alibaba Cloud (in either language), and Baidu's Chinese name.
    alibaba: bool,
    baidu_zh: bool,
}

/// Adds the tokens of a CJK name: every character and every pair of neighbours.
fn cjk_tokens(name: &str, tokens: &mut BTreeSet<String>) {
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        tokens.insert(c.to_string());
        if let Some(next) = chars.get(i + 1) {
            tokens.insert([*c, *next].iter().collect());
        }
    }
}

fn latin_tokens(text: &str, tokens: &mut BTreeSet<String>) {
    tokens.extend(text.split(' ').map(str::to_lowercase));
}

fn generate(k: usize, rng: &mut Rng) -> Generated {
    const VOCABULARY: usize = 5000;
    let (year, quarter) = (1900 + k / 4, k % 4 + 1);
    let mut tokens = BTreeSet::new();
    let mut alibaba = false;
    let mut baidu_zh = false;
    let mut sentence = |rng: &mut Rng, tokens: &mut BTreeSet<String>| {
        let mut words = Vec::new();
        for _ in 0..8 + rng.below(10) {
            let roll = rng.below(100);
            if roll < 4 {
                let (en, zh) = VENDORS[rng.below(VENDORS.len())];
                latin_tokens(en, tokens);
                alibaba |= en == "Alibaba Cloud";
                if rng.below(4) == 0 {
                    cjk_tokens(zh, tokens);
                    baidu_zh |= zh == "百度智能云";
                    words.push(format!("{en} ({zh})"));
                } else {
                    words.push(en.to_string());
                }
            } else if roll < 9 {
                let number = format!("{}.{}", 1 + rng.below(99), rng.below(10));
                tokens.insert(number.clone());
                words.push(number);
            } else {
                let w = word(rng.zipf(VOCABULARY));
                tokens.insert(w.clone());
                words.push(w);
            }
        }
        words.join(" ") + "."
    };
    let summary = sentence(rng, &mut tokens);
    let mut body = String::new();
    for p in 0..6 {
        let heading = word(rng.zipf(VOCABULARY));
        tokens.insert(heading.clone());
        body.push_str(&format!("## {heading} {p}\n\n"));
        tokens.insert(p.to_string());
        for _ in 0..5 {
            body.push_str(&sentence(rng, &mut tokens));
            body.push(' ');
        }
        body.push_str("\n\n");
    }
    let topic = word(rng.zipf(VOCABULARY));
    let title = format!("Briefing {k} on {topic}");
    latin_tokens(&title, &mut tokens);
    latin_tokens(&format!("q{quarter} {year}"), &mut tokens);
    // A briefing that names a vendor of vendors.yaml is found by both its names.
    if alibaba {
        latin_tokens("alibaba cloud", &mut tokens);
        cjk_tokens("阿里云", &mut tokens);
    }
    if body.contains("Tencent Cloud") || body.contains("腾讯云") {
        latin_tokens("tencent cloud", &mut tokens);
        cjk_tokens("腾讯云", &mut tokens);
    }
    let file = format!(
        "---\ntitle: \"{title}\"\nperiod: {year}-Q{quarter}\nsummary: \"{summary}\"\n---\n\n{body}"
    );
    Generated {
        period: format!("Q{quarter} {year}"),
        title,
        summary,
        file,
        tokens,
        alibaba,
        baidu_zh,
    }
}

/// FNV-1a, 32 bits, of the token's UTF-8 bytes, modulo the shards.
fn shard_of(token: &str) -> usize {
    let hash = token.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash as usize % SHARDS
}

/// Postings: `~` and a bitmap (six ids a digit, the bit worth 2^j for id 6i + j), or numbers
/// in base 32 whose every digit but the last is raised by 32: gaps from the id before (the
/// first from -1), a gap of 0 followed by a count of the ids right after the one before.
fn decode(postings: &str) -> Vec<usize> {
    const DIGITS: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
    let value = |c: char| {
        DIGITS
            .find(c)
            .unwrap_or_else(|| panic!("{c:?} in {postings}"))
    };
    let mut ids = Vec::new();
    if let Some(bitmap) = postings.strip_prefix('~') {
        for (i, c) in bitmap.chars().enumerate() {
            ids.extend((0..6).filter(|j| value(c) >> j & 1 == 1).map(|j| 6 * i + j));
        }
        assert!(!ids.is_empty(), "{postings}");
        return ids;
    }
    let (mut numbers, mut n) = (Vec::new(), 0);
    for c in postings.chars() {
        let v = value(c);
        if v >= 32 {
            n = n * 32 + v - 32;
        } else {
            numbers.push(n * 32 + v);
            n = 0;
        }
    }
    assert_eq!(n, 0, "{postings} ends on a last digit");
    let mut numbers = numbers.into_iter();
    let mut next = 0;
    while let Some(gap) = numbers.next() {
        if gap == 0 {
            let run = numbers.next().expect("a run's count");
            assert!(run > 0 && !ids.is_empty(), "{postings}");
            ids.extend(next..next + run);
            next += run;
        } else {
            ids.push(next + gap - 1);
            next += gap;
        }
    }
    assert!(!ids.is_empty(), "{postings}");
    ids
}

/// The kind, number and data of a file of the index: `quarterlySearch("t",17,{...});`.
fn read_index_file(dist: &Path, path: &str) -> (String, usize, serde_json::Value, usize) {
    let bytes = std::fs::read(dist.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(text.is_ascii(), "{path} is ASCII");
    let call = text
        .strip_prefix("quarterlySearch(\"")
        .and_then(|t| t.strip_suffix(");\n"))
        .unwrap_or_else(|| panic!("{path} calls quarterlySearch: {text}"));
    let (kind, rest) = call.split_once("\",").expect("a kind");
    let (number, json) = rest.split_once(',').expect("a number");
    let data = serde_json::from_str(json).unwrap_or_else(|e| panic!("{path}: {e}"));
    (
        kind.to_string(),
        number.parse().expect("a number"),
        data,
        text.len(),
    )
}

#[test]
fn the_index_is_small_per_query_and_finds_every_word() {
    let site = Site::new();
    let mut rng = Rng(2024);
    let generated: Vec<Generated> = (0..GENERATED).map(|k| generate(k, &mut rng)).collect();
    for (k, g) in generated.iter().enumerate() {
        site.write(
            &format!("content/briefings/{}-q{}.md", 1900 + k / 4, k % 4 + 1),
            &g.file,
        );
    }
    let dist = site.dist();
    let built =
        quarterly::build(site.root(), &dist, Default::default()).unwrap_or_else(|d| panic!("{d}"));

    // Every shard is there, empty or not, and small enough.
    let bound = SHARD_BUDGET_AT_10K * BRIEFINGS / 10_000;
    let mut shards: Vec<BTreeMap<String, Vec<usize>>> = Vec::new();
    let mut largest = 0;
    for n in 0..SHARDS {
        let path = format!("search/t-{n:02x}.js");
        let (kind, number, data, size) = read_index_file(&dist, &path);
        assert_eq!((kind.as_str(), number), ("t", n), "{path}");
        assert!(
            size <= bound,
            "{path} has {size} bytes, more than {bound}: at 10,000 briefings a query would load too much"
        );
        largest = largest.max(size);
        let object = data.as_object().expect("an object of tokens");
        let mut shard = BTreeMap::new();
        for (token, postings) in object {
            assert_eq!(shard_of(token), n, "{path}: `{token}` is in its own shard");
            let ids = decode(postings.as_str().expect("postings are text"));
            assert!(ids.iter().all(|&id| id < BRIEFINGS), "{token}: {ids:?}");
            shard.insert(token.clone(), ids);
        }
        shards.push(shard);
    }
    assert!(!dist.join(format!("search/t-{SHARDS:02x}.js")).exists());
    eprintln!("largest shard: {largest} bytes of at most {bound}");
    let ids_of = |token: &str| -> Vec<usize> {
        shards
            .get(shard_of(token))
            .and_then(|s| s.get(token))
            .cloned()
            .unwrap_or_default()
    };

    // Every token of some briefings is found under the briefing's id.
    for id in [0, 1, 137, 250, GENERATED - 1] {
        let g = &generated[id];
        assert!(g.tokens.len() > 100, "{} tokens", g.tokens.len());
        for token in &g.tokens {
            assert!(
                ids_of(token).binary_search(&id).is_ok(),
                "`{token}` of briefing {id} ({}) is not indexed under its id",
                g.period
            );
        }
    }
    // The fixture's briefings: a figure is found as printed, a vendor by its Chinese name
    // when a chart shows its column.
    let (q1, q3) = (GENERATED, GENERATED + 1);
    assert!(ids_of("9.2").contains(&q3), "US$9.2bn");
    assert!(ids_of("growth").contains(&q3));
    assert!(ids_of("阿里").contains(&q3) && !ids_of("阿里").contains(&q1));

    // Chinese names by any part: the pair 阿里 finds every briefing about Alibaba Cloud, and
    // 智能, from a name only the prose uses, every briefing that writes it.
    let about_alibaba: Vec<usize> = (0..GENERATED)
        .filter(|&id| generated[id].alibaba)
        .chain([q3])
        .collect();
    assert!(about_alibaba.len() > 10 && about_alibaba.len() < BRIEFINGS);
    assert_eq!(ids_of("阿里"), about_alibaba);
    assert_eq!(ids_of("里云"), about_alibaba);
    let baidu_zh: Vec<usize> = (0..GENERATED)
        .filter(|&id| generated[id].baidu_zh)
        .collect();
    assert!(!baidu_zh.is_empty());
    assert_eq!(ids_of("智能"), baidu_zh);
    assert_eq!(ids_of("度智"), baidu_zh);

    // The blocks hold what each result shows, by id, and stay within their budget.
    let blocks = BRIEFINGS.div_ceil(BLOCK);
    let mut shown = Vec::new();
    for n in 0..blocks {
        let path = format!("search/d-{n}.js");
        let (kind, number, data, size) = read_index_file(&dist, &path);
        assert_eq!((kind.as_str(), number), ("d", n), "{path}");
        assert!(size <= BLOCK_BUDGET, "{path} has {size} bytes");
        let rows = data.as_array().expect("rows").clone();
        assert_eq!(rows.len(), BLOCK.min(BRIEFINGS - n * BLOCK), "{path}");
        shown.extend(rows);
    }
    assert!(!dist.join(format!("search/d-{blocks}.js")).exists());
    for (id, g) in generated.iter().enumerate() {
        let url = format!("briefings/{}-q{}.html", 1900 + id / 4, id % 4 + 1);
        assert_eq!(
            shown[id],
            serde_json::json!([g.title, g.period, url, g.summary]),
            "briefing {id}"
        );
        assert!(dist.join(&url).is_file(), "{url}");
    }
    assert_eq!(shown[q3][2], "briefings/2023-q3.html");

    // The page itself stays small: no index and no list of briefings in it.
    let page = std::fs::read_to_string(dist.join("search.html")).expect("search.html");
    assert!(page.len() < 5_000, "search.html has {} bytes", page.len());
    assert!(!page.contains(&generated[0].title));
    assert!(page.contains("data-index=\"search/\""));
    assert!(page.contains(&format!("data-shards=\"{SHARDS}\" data-block=\"{BLOCK}\"")));
    assert!(page.contains("<script src=\"static/search.js\"></script>"));
    assert!(
        page.contains("<a href=\"archive.html\">"),
        "a way to every briefing without JavaScript"
    );
    let script = std::fs::metadata(dist.join("static/search.js")).expect("search.js");
    assert!((script.len() as usize) < SCRIPT_BUDGET);

    // The same content gives the same index, byte for byte.
    let again = quarterly::build(site.root(), &site.root().join("again"), Default::default())
        .unwrap_or_else(|d| panic!("{d}"));
    let index = |files: &[quarterly::model::OutputFile]| -> Vec<(String, Vec<u8>)> {
        files
            .iter()
            .filter(|f| f.path.starts_with("search"))
            .map(|f| (f.path.clone(), f.bytes.clone()))
            .collect()
    };
    assert_eq!(index(&built.files), index(&again.files));
}
