//! A site's editions. The default language's is at the root; each language that
//! `site.yaml` lists under `languages:` gets one under its own folder (`zh/`), made from the
//! same content with the translations put in: the briefings and pages written beside the
//! originals (`2023-q3.zh.md`), and the translated fields of the YAML files (`title_zh`).
//! Datasets are shared: only their words change, never a number.
//!
//! Nothing missing is silent. Every briefing, page and field without a translation is a
//! warning naming it; the edition shows the original in its place (a briefing or page with
//! a notice, marked as being in the default language).

use std::collections::BTreeSet;

use crate::diagnostics::{Diagnostic, Diagnostics, Loc};
use crate::language::Language;
use crate::model::{
    ChartSpec, Content, Edition, EditionLink, LanguageConfig, Ref, Segment, SourceFile,
    Translations, charts_of,
};
use crate::routes;

/// Every edition of the site: the default one first (at the root), then one per language of
/// `languages:`.
pub fn editions(content: &Content) -> Vec<EditionLink> {
    let base = &content.config.base_url;
    let default = EditionLink {
        tag: content.config.language.clone(),
        path: String::new(),
        base_url: base.clone(),
        name: Language::from_tag(&content.config.language)
            .native_name()
            .to_string(),
        untranslated: BTreeSet::new(),
    };
    let others = content.config.languages.iter().map(|l| EditionLink {
        tag: l.tag.clone(),
        path: l.path.clone(),
        base_url: format!("{base}{}/", l.path),
        name: Language::from_tag(&l.tag).native_name().to_string(),
        untranslated: untranslated_in(content, &l.path),
    });
    std::iter::once(default).chain(others).collect()
}

/// The pages the edition under `path` shows untranslated: the briefings and pages with no
/// translation of that language beside them.
fn untranslated_in(content: &Content, path: &str) -> BTreeSet<String> {
    let briefings = content.briefings.iter().filter(|b| {
        !content
            .translated_briefings
            .iter()
            .any(|(s, t)| s == path && t.period == b.period)
    });
    let pages = content.pages.iter().filter(|p| {
        !content
            .translated_pages
            .iter()
            .any(|(s, t)| s == path && t.id == p.id)
    });
    briefings
        .map(|b| routes::briefing(b.period))
        .chain(pages.map(|p| routes::page(&p.id)))
        .collect()
}

/// The default edition's content, marked as such, and the problems of translations that
/// no edition takes: a file or field whose suffix names no language of `languages:`.
pub fn default_edition(content: &mut Content) {
    let all = editions(content);
    content.edition = Edition {
        language: Language::from_tag(&content.config.language),
        path: String::new(),
        editions: all,
        untranslated: BTreeSet::new(),
    };
    let known: BTreeSet<&str> = content
        .config
        .languages
        .iter()
        .map(|l| l.path.as_str())
        .collect();
    let mut problems = Vec::new();
    let stray_files = content
        .translated_briefings
        .iter()
        .map(|(s, b)| (s, &b.file))
        .chain(content.translated_pages.iter().map(|(s, p)| (s, &p.file)));
    for (suffix, file) in stray_files {
        if !known.contains(suffix.as_str()) {
            problems.push(
                Diagnostic::error(
                    &file.path,
                    format!(
                        "`{}` translates into `{suffix}`, which is not one of the site's languages",
                        file.path
                    ),
                )
                .with_hint(unknown_language_hint(suffix)),
            );
        }
    }
    for_each_translations(content, |file, translations| {
        for t in &translations.0 {
            if !known.contains(t.suffix.as_str()) {
                problems.push(
                    Diagnostic::error(
                        &file.path,
                        format!(
                            "`{}_{}` translates `{}` into `{}`, which is not one of the site's languages",
                            t.field, t.suffix, t.field, t.suffix
                        ),
                    )
                    .at_loc(&file.text, t.at)
                    .with_hint(unknown_language_hint(&t.suffix)),
                );
            }
        }
    });
    for problem in problems {
        content.problems.push(problem);
    }
}

fn unknown_language_hint(suffix: &str) -> String {
    format!(
        "add the language to `languages:` in content/site.yaml (`- tag: …` with `path: {suffix}`), or correct the suffix"
    )
}

/// Calls `each` with every record's translations and the file they are written in.
fn for_each_translations(content: &Content, mut each: impl FnMut(&SourceFile, &Translations)) {
    let config = &content.config;
    each(&config.file, &config.translations);
    for link in &config.navigation {
        each(&config.file, &link.translations);
    }
    for firm in &config.firms {
        each(&config.file, &firm.translations);
    }
    for dataset in &content.datasets {
        each(&dataset.file, &dataset.translations);
        for column in &dataset.columns {
            each(&dataset.file, &column.translations);
        }
        for b in &dataset.breaks {
            each(&dataset.file, &b.translations);
        }
        for row in &dataset.rows {
            each(&dataset.file, &row.translations);
            for value in row.cells.iter().flatten() {
                each(&dataset.file, &value.translations);
                for alt in &value.also {
                    each(&dataset.file, &alt.translations);
                }
            }
        }
    }
}

/// Calls every firm named in `renamed` (original, translation) by its translation.
fn rename_firms(content: &mut Content, renamed: &[(String, String)]) {
    if renamed.is_empty() {
        return;
    }
    let rename = |name: &mut String| {
        if let Some((_, to)) = renamed.iter().find(|(from, _)| from == name) {
            *name = to.clone();
        }
    };
    for source in &mut content.sources {
        source.firms.iter_mut().for_each(rename);
    }
    for dataset in &mut content.datasets {
        for value in dataset
            .rows
            .iter_mut()
            .flat_map(|r| r.cells.iter_mut().flatten())
        {
            if let Some(firm) = &mut value.firm {
                rename(&mut firm.id);
            }
            for alt in &mut value.also {
                if let Some(firm) = &mut alt.firm {
                    rename(&mut firm.id);
                }
            }
        }
    }
    let bodies = content
        .briefings
        .iter_mut()
        .map(|b| &mut b.body)
        .chain(content.pages.iter_mut().map(|p| &mut p.body));
    for body in bodies {
        for segment in body.iter_mut() {
            let citation = match segment {
                Segment::Cite(c) => c,
                Segment::Quote(q) => &mut q.citation,
                _ => continue,
            };
            if let Some(firm) = &mut citation.firm {
                rename(&mut firm.id);
            }
        }
    }
}

/// What a translation is missing, as `check` lists it: gathered while an edition is made.
struct Missing<'a> {
    suffix: &'a str,
    tag: &'a str,
    warnings: Vec<Diagnostic>,
}

impl Missing<'_> {
    /// `text` translated from `translations`, or a warning at `at` in `file` and the
    /// original. Empty text needs no translation.
    fn field(
        &mut self,
        file: &SourceFile,
        translations: &Translations,
        field: &str,
        text: &str,
        at: Loc,
        what: &str,
    ) -> String {
        if text.is_empty() {
            return String::new();
        }
        if let Some(found) = translations.get(field, self.suffix) {
            return found.to_string();
        }
        let at = translations.original_at(field).unwrap_or(at);
        self.warnings.push(
            Diagnostic::error(
                &file.path,
                format!("{what} has no `{}` translation", self.tag),
            )
            .at_loc(&file.text, at)
            .with_hint(format!(
                "add `{field}_{}:` beside `{field}:`; until then the {} edition shows the original",
                self.suffix, self.tag
            ))
            .warning(),
        );
        text.to_string()
    }
}

/// The content of the edition in `language`: the default content with every translation
/// put in, and a warning for each thing left untranslated.
pub fn localize(content: &Content, language: &LanguageConfig) -> (Content, Vec<Diagnostic>) {
    let mut out = content.clone();
    let mut missing = Missing {
        suffix: &language.path,
        tag: &language.tag,
        warnings: Vec::new(),
    };
    out.translated_briefings = Vec::new();
    out.translated_pages = Vec::new();
    out.problems = Diagnostics::new();
    out.config.language = language.tag.clone();
    out.config.base_url = format!("{}{}/", content.config.base_url, language.path);
    let lang = Language::from_tag(&language.tag);

    // The site's own settings.
    let config = &mut out.config;
    let file = config.file.clone();
    let whole = Loc {
        line: 1,
        column: 1,
        len: 0,
    };
    for (field, text) in [
        ("title", &mut config.title),
        ("description", &mut config.description),
        ("author", &mut config.author),
    ] {
        *text = missing.field(
            &file,
            &config.translations,
            field,
            text,
            whole,
            &format!("the site's `{field}`"),
        );
    }
    for link in &mut config.navigation {
        link.label = missing.field(
            &file,
            &link.translations,
            "label",
            &link.label,
            link.target.at,
            &format!("the navigation label `{}`", link.label),
        );
    }

    // Firms: those `firms:` lists take their names in the language everywhere a firm is
    // named (sources, values, citations), so that every check of firms holds as before.
    let mut renamed: Vec<(String, String)> = Vec::new();
    for firm in &config.firms {
        let name = missing.field(
            &file,
            &firm.translations,
            "name",
            &firm.name,
            firm.at,
            &format!("the firm `{}`", firm.name),
        );
        renamed.push((firm.name.clone(), name));
    }

    // Vendors: their Chinese names are `name_zh`.
    for vendor in &mut out.vendors {
        let translated = vendor
            .translations
            .get("name", &language.path)
            .map(str::to_string)
            .or_else(|| {
                (language.path == "zh" && !vendor.name_zh.is_empty())
                    .then(|| vendor.name_zh.clone())
            });
        match translated {
            Some(name) => vendor.name = name,
            None => {
                if let Some(file) = &content.vendors_file {
                    missing.warnings.push(
                        Diagnostic::error(
                            &file.path,
                            format!("vendor `{}` has no `{}` name", vendor.id, language.tag),
                        )
                        .at_loc(&file.text, vendor.at)
                        .with_hint(format!(
                            "add `name_{}:` to the vendor; until then the {} edition shows `{}`",
                            language.path, language.tag, vendor.name
                        ))
                        .warning(),
                    );
                }
            }
        }
    }

    // Sources: a note is translated; a title or publisher only when the page was published
    // in the language (a title is cited as published, never translated by us).
    if let Some(file) = content.sources_file.clone() {
        for source in &mut out.sources {
            if let Some(title) = source.translations.get("title", &language.path) {
                source.title = title.to_string();
            }
            if let Some(publisher) = source.translations.get("publisher", &language.path) {
                source.publisher = publisher.to_string();
            }
            if let Some(note) = &source.note {
                let what = format!("the note of source `{}`", source.id);
                source.note = Some(missing.field(
                    &file,
                    &source.translations,
                    "note",
                    note,
                    source.at,
                    &what,
                ));
            }
        }
    }

    // Datasets: titles, descriptions, column labels, breaks and notes.
    for dataset in &mut out.datasets {
        let file = dataset.file.clone();
        let whole = Loc {
            line: 1,
            column: 1,
            len: 0,
        };
        dataset.language = lang;
        let what = format!("dataset `{}`'s", dataset.id);
        dataset.title = missing.field(
            &file,
            &dataset.translations,
            "title",
            &dataset.title,
            whole,
            &format!("{what} `title`"),
        );
        dataset.description = missing.field(
            &file,
            &dataset.translations,
            "description",
            &dataset.description,
            whole,
            &format!("{what} `description`"),
        );
        for column in &mut dataset.columns {
            column.label = missing.field(
                &file,
                &column.translations,
                "label",
                &column.label,
                column.at,
                &format!("column `{}`'s `label`", column.id),
            );
        }
        for b in &mut dataset.breaks {
            let what = format!("the series break at `{}`", b.period);
            b.label = missing.field(
                &file,
                &b.translations,
                "label",
                &b.label,
                b.at,
                &format!("{what}'s `label`"),
            );
            b.note = missing.field(
                &file,
                &b.translations,
                "note",
                &b.note,
                b.at,
                &format!("{what}'s `note`"),
            );
        }
        for row in &mut dataset.rows {
            let period = row.period;
            if let Some(note) = &row.note {
                row.note = Some(missing.field(
                    &file,
                    &row.translations,
                    "note",
                    note,
                    row.at,
                    &format!("the note of the row for `{period}`"),
                ));
            }
            for value in row.cells.iter_mut().flatten() {
                if let Some(note) = &value.note {
                    value.note = Some(missing.field(
                        &file,
                        &value.translations,
                        "note",
                        note,
                        value.at,
                        &format!("a note of `{period}`"),
                    ));
                }
                for alt in &mut value.also {
                    if let Some(note) = &alt.note {
                        alt.note = Some(missing.field(
                            &file,
                            &alt.translations,
                            "note",
                            note,
                            alt.at,
                            &format!("a note of `{period}`"),
                        ));
                    }
                }
            }
        }
    }

    // Briefings and pages: the translation where there is one, else the original, listed.
    for briefing in &mut out.briefings {
        let found = content
            .translated_briefings
            .iter()
            .find(|(s, t)| *s == language.path && t.period == briefing.period);
        match found {
            Some((_, translation)) => {
                let mut translation = translation.clone();
                translation.draft = briefing.draft;
                translation.original = Some(briefing.file.clone());
                missing.warnings.extend(fit_translation(
                    &briefing.file,
                    &briefing.body,
                    &translation.file,
                    &mut translation.body,
                ));
                *briefing = translation;
            }
            None => {
                missing
                    .warnings
                    .push(missing_document(&briefing.file, language));
            }
        }
    }
    for page in &mut out.pages {
        let found = content
            .translated_pages
            .iter()
            .find(|(s, t)| *s == language.path && t.id == page.id);
        match found {
            Some((_, translation)) => {
                let mut translation = translation.clone();
                translation.chart_index = page.chart_index;
                translation.original = Some(page.file.clone());
                missing.warnings.extend(fit_translation(
                    &page.file,
                    &page.body,
                    &translation.file,
                    &mut translation.body,
                ));
                *page = translation;
            }
            None => {
                missing
                    .warnings
                    .push(missing_document(&page.file, language));
            }
        }
    }
    // A translation of nothing is an error: it would never be shown.
    for (suffix, translation) in &content.translated_briefings {
        if *suffix == language.path
            && !content
                .briefings
                .iter()
                .any(|b| b.period == translation.period)
        {
            out.problems.push(orphan(&translation.file));
        }
    }
    for (suffix, translation) in &content.translated_pages {
        if *suffix == language.path && !content.pages.iter().any(|p| p.id == translation.id) {
            out.problems.push(orphan(&translation.file));
        }
    }
    rename_firms(&mut out, &renamed);
    let all = editions(content);
    out.edition = Edition {
        language: lang,
        path: language.path.clone(),
        editions: all,
        untranslated: untranslated_in(content, &language.path),
    };
    (out, missing.warnings)
}

fn missing_document(file: &SourceFile, language: &LanguageConfig) -> Diagnostic {
    let name = file.path.strip_suffix(".md").unwrap_or(&file.path);
    Diagnostic::error(
        &file.path,
        format!("`{}` has no `{}` translation", file.path, language.tag),
    )
    .with_hint(format!(
        "write it as `{name}.{}.md`; until then the {} edition shows it in the original with a notice",
        language.path, language.tag
    ))
    .warning()
}

fn orphan(file: &SourceFile) -> Diagnostic {
    Diagnostic::error(
        &file.path,
        format!(
            "`{}` translates a briefing or page the site does not have",
            file.path
        ),
    )
    .with_hint(format!(
        "name it after the file it translates (`{}.md` must exist beside it), or remove it",
        file.document_stem()
    ))
}

/// Fits the body of a translation (written in `file`) to its original's: their charts and
/// headings get the original's ids, and a figure one states and the other does not is a
/// warning.
fn fit_translation(
    original_file: &SourceFile,
    original: &[Segment],
    file: &SourceFile,
    translation: &mut [Segment],
) -> Vec<Diagnostic> {
    carry_chart_ids(original_file, original, translation);
    carry_heading_ids(original, translation);
    figures_differ(original, file, translation)
}

/// A translation's charts are the original's charts in other words: the `n`th chart of the
/// translation takes the `n`th chart's id, so both editions' chart pages have one name and
/// link to each other. A translated chart that draws something else keeps its own.
fn carry_chart_ids(original_file: &SourceFile, original: &[Segment], translation: &mut [Segment]) {
    let originals: Vec<&ChartSpec> = charts_of(original).collect();
    let mut n = 0;
    for segment in translation.iter_mut() {
        let Segment::Chart(spec) = segment else {
            continue;
        };
        if let Some(first) = originals.get(n)
            && same_drawing(first, spec)
            && spec.id.is_none()
        {
            spec.id = Some(Ref {
                id: routes::id_of_chart(original_file.document_stem(), first),
                at: spec.at,
            });
        }
        n += 1;
    }
}

/// A translation's headings take the ids of the original's, in order, so that a link to a
/// section (`methodology.html#growth-rates`) leads to the same section in every edition.
/// Each heading line of the translation gets its original's id written after it
/// (`## 增速 {#growth-rates}`), unless it gives one itself.
fn carry_heading_ids(original: &[Segment], translation: &mut [Segment]) {
    let markdown: String = original
        .iter()
        .filter_map(|s| match s {
            Segment::Markdown(text) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let mut used = BTreeSet::new();
    let mut ids = heading_texts(&markdown)
        .into_iter()
        .map(|(text, given)| match given {
            Some(id) => {
                used.insert(id.clone());
                id
            }
            None => routes::unique_slug(&text, &mut used),
        })
        .collect::<Vec<_>>()
        .into_iter();
    // Headings written with `#`; the ids of headings written otherwise (underlined) are
    // left to the translation.
    let mut fenced = false;
    for segment in translation.iter_mut() {
        let Segment::Markdown(text) = segment else {
            continue;
        };
        let mut out = String::with_capacity(text.len() + 64);
        for line in text.split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            if body.trim_start().starts_with("```") {
                fenced = !fenced;
            }
            let hashes = body.len() - body.trim_start_matches('#').len();
            let heading = !fenced
                && (1..=6).contains(&hashes)
                && body[hashes..].starts_with(' ')
                && !body.trim_end().ends_with('}');
            match heading.then(|| ids.next()).flatten() {
                Some(id) => {
                    out.push_str(body.trim_end());
                    out.push_str(&format!(" {{#{id}}}"));
                    out.push_str(&line[body.len()..]);
                }
                None => out.push_str(line),
            }
        }
        *text = out;
    }
}

/// The text of each heading of `markdown`, and the id it gives itself, if any.
fn heading_texts(markdown: &str) -> Vec<(String, Option<String>)> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut found = Vec::new();
    let mut current: Option<(String, Option<String>)> = None;
    for event in Parser::new_ext(markdown, crate::model::markdown_options()) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                current = Some((String::new(), id.map(|i| i.to_string())));
            }
            Event::End(TagEnd::Heading(_)) => found.extend(current.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some((text, _)) = &mut current {
                    text.push_str(&t);
                }
            }
            _ => {}
        }
    }
    found
}

/// Warnings for text the edition's images draw (chart titles, captions and labels, dataset
/// and column names, vendor names, the titles on social cards) that needs a character
/// neither shipped font has: the PNG would show an empty box for it.
pub fn glyph_warnings(content: &Content) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let mut check = |file: &SourceFile, at: Option<Loc>, what: &str, text: &str| {
        let missing = crate::raster::missing_glyphs(text);
        if missing.is_empty() {
            return;
        }
        let chars: String = missing.iter().collect();
        let mut d = Diagnostic::error(
            &file.path,
            format!("{what} uses characters the images' fonts lack: {chars}"),
        );
        if let Some(at) = at {
            d = d.at_loc(&file.text, at);
        }
        warnings.push(
            d.with_hint(
                "the PNGs and cards would draw them as empty boxes; regenerate the CJK font \
                 subset with `python3 assets/fonts/cjk-subset.py` (assets/fonts/README.md)",
            )
            .warning(),
        );
    };
    let config = &content.config;
    check(&config.file, None, "the site's title", &config.title);
    check(
        &config.file,
        None,
        "the site's description",
        &config.description,
    );
    if let Some(file) = &content.vendors_file {
        for v in &content.vendors {
            let what = format!("vendor `{}`'s name", v.id);
            check(file, Some(v.at), &what, &format!("{}{}", v.name, v.name_zh));
        }
    }
    for dataset in &content.datasets {
        check(&dataset.file, None, "the dataset's title", &dataset.title);
        for column in &dataset.columns {
            check(
                &dataset.file,
                Some(column.at),
                "the column's label",
                &column.label,
            );
        }
        for b in &dataset.breaks {
            check(
                &dataset.file,
                Some(b.at),
                "the series break's label",
                &b.label,
            );
        }
    }
    let documents = content
        .briefings
        .iter()
        .map(|b| (&b.file, Some(b.title.as_str()), &b.body))
        .chain(
            content
                .pages
                .iter()
                .map(|p| (&p.file, Some(p.title.as_str()), &p.body)),
        );
    for (file, title, body) in documents {
        if let Some(title) = title {
            check(file, None, "the title", title);
        }
        for spec in charts_of(body) {
            let mut text = spec.title.clone();
            text.push_str(spec.caption.as_deref().unwrap_or_default());
            for a in &spec.annotations {
                text.push_str(&a.label);
            }
            for r in &spec.references {
                text.push_str(&r.label);
            }
            check(file, Some(spec.at), "the chart", &text);
        }
    }
    warnings
}

/// The figures a body states (`market.spend@2023-Q3`, with `~source` when it names one),
/// each with where it was written, in order.
fn figures_of(body: &[Segment]) -> Vec<(String, Loc)> {
    body.iter()
        .filter_map(|s| match s {
            Segment::Figure(f) => {
                let source = f
                    .source
                    .as_ref()
                    .map(|s| format!("~{}", s.id))
                    .unwrap_or_default();
                Some((
                    format!("{}.{}@{}{source}", f.dataset.id, f.column.id, f.period),
                    f.at,
                ))
            }
            _ => None,
        })
        .collect()
}

/// Warnings for a translation that states other figures than its original: one its
/// original states and it does not (the reader of this edition misses it), and one it
/// states and the original does not (the editions say different things). Each edition
/// prints a figure from the data, so a figure can never differ, only be left out or added.
fn figures_differ(
    original: &[Segment],
    file: &SourceFile,
    translation: &[Segment],
) -> Vec<Diagnostic> {
    let mut left: Vec<(String, Loc)> = figures_of(original);
    let mut warnings = Vec::new();
    for (figure, at) in figures_of(translation) {
        match left.iter().position(|(f, _)| *f == figure) {
            Some(i) => {
                left.remove(i);
            }
            None => warnings.push(
                Diagnostic::error(
                    &file.path,
                    format!("the translation states `{{{{{figure}}}}}`, which its original does not"),
                )
                .at_loc(&file.text, at)
                .with_hint("a translation says what its original says: state the same figures in both, or add it to the original too")
                .warning(),
            ),
        }
    }
    for (figure, _) in left {
        warnings.push(
            Diagnostic::error(
                &file.path,
                format!("the translation leaves out `{{{{{figure}}}}}`, which its original states"),
            )
            .with_hint("write the figure into the translation as the same reference")
            .warning(),
        );
    }
    warnings
}

/// Whether two chart blocks draw the same data the same way, whatever their words.
fn same_drawing(a: &ChartSpec, b: &ChartSpec) -> bool {
    let ids = |refs: &[Ref]| refs.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    let period = |p: &Option<(crate::period::Period, Loc)>| p.map(|(p, _)| p);
    a.kind == b.kind
        && a.data.id == b.data.id
        && ids(&a.columns) == ids(&b.columns)
        && period(&a.from) == period(&b.from)
        && period(&a.to) == period(&b.to)
        && period(&a.period) == period(&b.period)
}
