//! A site in two languages: the fixture site with a Simplified Chinese edition under `zh/`,
//! some of it translated and some deliberately not. What is missing is listed as warnings
//! (pinned by a snapshot), the edition shows the original in its place with a notice, and
//! every page links its versions in both languages.

mod fixture;

use fixture::Site;

/// The fixture site with `zh-Hans` as a second language: the Q3 briefing, the site's title,
/// the navigation's first label and the market dataset's title translated; the rest not.
fn bilingual() -> Site {
    let site = Site::new();
    site.edit(
        "content/site.yaml",
        "base_url: https://example.org/sub/\n",
        "base_url: https://example.org/sub/\nlanguage: en-GB\ntitle_zh: 测试季报\nlanguages:\n  - tag: zh-Hans\n    path: zh\n",
    );
    site.edit(
        "content/site.yaml",
        "  - label: Briefings\n",
        "  - label: Briefings\n    label_zh: 简报\n",
    );
    site.edit(
        "content/data/market.yaml",
        "title: Spend\n",
        "title: Spend\ntitle_zh: 支出\n",
    );
    site.write(
        "content/briefings/2023-q3.zh.md",
        "---
title: \"2023年第三季度：增长持续\"
period: 2023-Q3
summary: 支出再度增长。
---

## 本季

支出达到{{market.spend@2023-Q3}}，同比增长{{market.growth@2023-Q3}}；另一份报道称{{market.growth@2023-Q3~scmp-2023-q2}}。

```chart
kind: line
title: 季度支出
data: market
y: spend
to: 2023-Q3
```

## 厂商

```chart
kind: bar
title: 厂商份额
data: vendor-shares
y: [alibaba-cloud, tencent-cloud]
```

{{cite canalys-2023-q3}}Canalys称电信运营商{{quote canalys-2023-q3 \"kept gaining share\"}}。
",
    );
    site
}

/// The warnings `check` gives, with the site root taken out of paths.
fn check_warnings(site: &Site) -> String {
    let out = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "warnings alone pass: {stderr}");
    stderr
}

#[test]
fn missing_translations_are_listed_as_warnings() {
    let site = bilingual();
    let warnings = check_warnings(&site);
    insta::assert_snapshot!(warnings);
    let denied = site.run(&["check", "--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1), "--deny-warnings fails");
}

#[test]
fn a_site_with_everything_translated_has_no_warnings() {
    let site = bilingual();
    // Translate what the snapshot above lists as missing.
    site.write(
        "content/briefings/2023-q1.zh.md",
        "---\ntitle: 2023年第一季度：开局平淡\nperiod: 2023-Q1\nsummary: 支出持平。\n---\n\n支出为{{market.spend@2023-Q1}}。\n",
    );
    site.write(
        "content/pages/about.zh.md",
        "---\ntitle: 关于\ndescription: 关于本站。\n---\n\n本站用于测试。\n",
    );
    site.edit(
        "content/site.yaml",
        "title_zh: 测试季报\n",
        "title_zh: 测试季报\ndescription_zh: 测试站点。\n",
    );
    site.edit(
        "content/site.yaml",
        "  - label: About\n",
        "  - label: About\n    label_zh: 关于\n",
    );
    site.edit(
        "content/data/market.yaml",
        "description: Quarterly spend.\n",
        "description: Quarterly spend.\ndescription_zh: 季度支出。\n",
    );
    site.edit(
        "content/data/market.yaml",
        "    label: Spend\n",
        "    label: Spend\n    label_zh: 支出\n",
    );
    site.edit(
        "content/data/market.yaml",
        "    label: Growth\n",
        "    label: Growth\n    label_zh: 增速\n",
    );
    site.edit(
        "content/data/vendor-shares.yaml",
        "title: Shares\n",
        "title: Shares\ntitle_zh: 份额\n",
    );
    site.edit(
        "content/data/vendor-shares.yaml",
        "    label: Alibaba Cloud\n",
        "    label: Alibaba Cloud\n    label_zh: 阿里云\n",
    );
    site.edit(
        "content/data/vendor-shares.yaml",
        "    label: Tencent Cloud\n",
        "    label: Tencent Cloud\n    label_zh: 腾讯云\n",
    );
    let out = site.run(&["check", "--deny-warnings"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn translations_into_a_language_the_site_does_not_have_fail_the_build() {
    let site = bilingual();
    site.write(
        "content/pages/about.fr.md",
        "---\ntitle: À propos\n---\n\nUn site de test.\n",
    );
    site.edit(
        "content/data/market.yaml",
        "title_zh: 支出\n",
        "title_zh: 支出\ntitle_fr: Dépenses\n",
    );
    let out = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("`content/pages/about.fr.md` translates into `fr`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`title_fr` translates `title` into `fr`"),
        "{stderr}"
    );
    assert!(stderr.contains("content/data/market.yaml:3:"), "{stderr}");
}

#[test]
fn a_translation_of_nothing_fails_the_build() {
    let site = bilingual();
    site.write(
        "content/briefings/2022-q4.zh.md",
        "---\ntitle: 2022年第四季度\nperiod: 2022-Q4\nsummary: 无。\n---\n\n正文。\n",
    );
    let out = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("translates a briefing or page the site does not have"),
        "{stderr}"
    );
}

#[test]
fn both_editions_are_built_and_every_page_links_its_other_version() {
    let site = bilingual();
    let out = site.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = html_pages(&site.dist());
    let english: Vec<&String> = all.iter().filter(|p| !p.starts_with("zh/")).collect();
    let chinese: Vec<&String> = all.iter().filter(|p| p.starts_with("zh/")).collect();
    assert!(english.len() > 10, "{all:?}");
    assert_eq!(english.len(), chinese.len(), "one zh page per en page");
    for page in &english {
        let zh = format!("zh/{page}");
        assert!(all.contains(&zh), "{zh} is missing");
        if page.starts_with("embed/") || page.as_str() == "404.html" {
            continue;
        }
        let html = site.read(&format!("dist/{page}"));
        let zh_html = site.read(&format!("dist/{zh}"));
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"en"),
            "{page}"
        );
        assert!(zh_html.contains("<html lang=\"zh-Hans\">"), "{zh}");
        // Each version names the other, and both name the default as x-default.
        let en_url = if page.as_str() == "index.html" {
            "https://example.org/sub/".to_string()
        } else {
            format!("https://example.org/sub/{page}")
        };
        let zh_url = if page.as_str() == "index.html" {
            "https://example.org/sub/zh/".to_string()
        } else {
            format!("https://example.org/sub/{zh}")
        };
        let x_default =
            format!("<link rel=\"alternate\" hreflang=\"x-default\" href=\"{en_url}\">");
        for (path, text) in [(page.as_str(), &html), (zh.as_str(), &zh_html)] {
            assert!(text.contains(&x_default), "{path} has no x-default");
            assert!(
                text.contains(&format!("hreflang=\"en-GB\" href=\"{en_url}\"")),
                "{path} does not link the English version"
            );
        }
        let untranslated = ["briefings/2023-q1.html", "about.html"].contains(&page.as_str());
        let zh_alternate = format!("hreflang=\"zh-Hans\" href=\"{zh_url}\"");
        assert_eq!(
            html.contains(&zh_alternate),
            !untranslated,
            "{page}: a zh alternate only where the zh page is in Chinese"
        );
    }
}

#[test]
fn an_untranslated_briefing_is_shown_in_the_original_with_a_notice() {
    let site = bilingual();
    assert!(site.run(&["build"]).status.success());
    let zh = site.read("dist/zh/briefings/2023-q1.html");
    assert!(
        zh.contains("<p class=\"untranslated\">本页尚无中文版，以下为英文原文。</p>"),
        "{zh}"
    );
    assert!(zh.contains("<main id=\"main\" lang=\"en-GB\">"), "{zh}");
    assert!(zh.contains("Q1 2023: a slow start"), "the English text");
    // The switcher marks the language it leads to.
    let en = site.read("dist/briefings/2023-q1.html");
    assert!(
        en.contains("<a href=\"../zh/briefings/2023-q1.html\" hreflang=\"en-GB\" lang=\"zh-Hans\">简体中文</a>"),
        "{en}"
    );
    // A translated briefing has no notice, and its page is in Chinese.
    let q3 = site.read("dist/zh/briefings/2023-q3.html");
    assert!(!q3.contains("class=\"untranslated\""));
    assert!(q3.contains("2023年第三季度：增长持续"));
    assert!(q3.contains("<main id=\"main\">"));
}

#[test]
fn a_translation_keeps_its_original_s_chart_pages_and_section_ids() {
    let site = bilingual();
    assert!(site.run(&["build"]).status.success());
    let en = site.read("dist/briefings/2023-q3.html");
    let zh = site.read("dist/zh/briefings/2023-q3.html");
    for id in ["the-quarter", "vendors"] {
        assert!(en.contains(&format!("id=\"{id}\"")), "{id} in en");
        assert!(zh.contains(&format!("id=\"{id}\"")), "{id} in zh");
    }
    let chart = "charts/2023-q3-quarterly-spend.html";
    assert!(site.dist().join(chart).is_file());
    assert!(site.dist().join("zh").join(chart).is_file());
    let zh_chart = site.read(&format!("dist/zh/{chart}"));
    assert!(
        zh_chart.contains("季度支出"),
        "the chart page is in Chinese"
    );
}

#[test]
fn each_language_has_its_feed_search_index_and_sitemap_entries() {
    let site = bilingual();
    assert!(site.run(&["build"]).status.success());
    let feed = site.read("dist/feed.xml");
    let zh_feed = site.read("dist/zh/feed.xml");
    assert!(feed.contains("<title>Test Quarterly</title>"), "{feed}");
    assert!(zh_feed.contains("<title>测试季报</title>"), "{zh_feed}");
    assert!(zh_feed.contains("https://example.org/sub/zh/briefings/2023-q3.html"));
    assert!(zh_feed.contains("2023年第三季度：增长持续"));
    assert!(site.dist().join("zh/search.html").is_file());
    let zh_search: Vec<String> = std::fs::read_dir(site.dist().join("zh/search"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!zh_search.is_empty(), "a search index of its own");

    let sitemap = site.read("dist/sitemap.xml");
    assert!(
        sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""),
        "{sitemap}"
    );
    let q3 = "<url><loc>https://example.org/sub/briefings/2023-q3.html</loc>\
<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/sub/briefings/2023-q3.html\"/>\
<xhtml:link rel=\"alternate\" hreflang=\"en-GB\" href=\"https://example.org/sub/briefings/2023-q3.html\"/>\
<xhtml:link rel=\"alternate\" hreflang=\"zh-Hans\" href=\"https://example.org/sub/zh/briefings/2023-q3.html\"/></url>";
    assert!(sitemap.contains(q3), "{sitemap}");
    // The Chinese page is listed too, with the same alternates.
    assert!(
        sitemap.contains(
            "<url><loc>https://example.org/sub/zh/briefings/2023-q3.html</loc><xhtml:link"
        )
    );
    // An untranslated page lists no alternates: its zh copy is not a Chinese version.
    assert!(
        sitemap.contains("<url><loc>https://example.org/sub/briefings/2023-q1.html</loc></url>")
    );
    assert!(
        !site.dist().join("zh/sitemap.xml").exists(),
        "one sitemap for the site"
    );
}

#[test]
fn text_the_images_cannot_draw_is_a_warning() {
    let site = bilingual();
    site.edit(
        "content/briefings/2023-q3.zh.md",
        "title: 季度支出",
        "title: 龘季度支出",
    );
    let out = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the chart uses characters the images' fonts lack: 龘"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/briefings/2023-q3.zh.md:"),
        "{stderr}"
    );
    assert!(stderr.contains("cjk-subset.py"), "{stderr}");
}

// The shipped site's Simplified Chinese edition.

/// The shipped site, built once for the tests below.
fn shipped() -> &'static std::path::Path {
    static BUILT: std::sync::OnceLock<(tempfile::TempDir, std::path::PathBuf)> =
        std::sync::OnceLock::new();
    let (_, dist) = BUILT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let dist = tmp.path().join("dist");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        quarterly::build(root, &dist, Default::default()).unwrap_or_else(|d| panic!("{d}"));
        (tmp, dist)
    });
    dist
}

/// Every HTML page under `dist`, relative to it.
fn html_pages(dist: &std::path::Path) -> Vec<String> {
    let mut found: Vec<String> = walkdir::WalkDir::new(dist)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .filter_map(|e| {
            e.path()
                .strip_prefix(dist)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    found.sort();
    found
}

/// What a reader reads of a page: its text without markup, scripts, styles, drawn charts,
/// code (embed snippets), addresses, and the elements marked as written in English.
fn readable_text(html: &str) -> String {
    let document = scraper::Html::parse_document(html);
    let skip = [
        "script", "style", "svg", "code", "pre", "textarea", "head", "title",
    ];
    let mut text = String::new();
    for node in document.tree.nodes() {
        let scraper::Node::Text(t) = node.value() else {
            continue;
        };
        let hidden = node.ancestors().any(|a| match a.value() {
            scraper::Node::Element(e) => {
                skip.contains(&e.name()) || e.attr("lang").is_some_and(|l| l.starts_with("en"))
            }
            _ => false,
        });
        if !hidden {
            text.push_str(t);
            text.push(' ');
        }
    }
    text
}

#[test]
fn every_page_of_the_shipped_site_has_its_version_in_the_other_language() {
    let dist = shipped();
    let all = html_pages(dist);
    let base = "https://example.org/china-cloud-quarterly/";
    let english: Vec<&String> = all.iter().filter(|p| !p.starts_with("zh/")).collect();
    let chinese = all.iter().filter(|p| p.starts_with("zh/")).count();
    assert_eq!(english.len(), chinese);
    for page in english {
        if page.starts_with("embed/") || page.as_str() == "404.html" {
            continue;
        }
        let own = if page.as_str() == "index.html" {
            ""
        } else {
            page.as_str()
        };
        let en = std::fs::read_to_string(dist.join(page)).unwrap();
        let zh = std::fs::read_to_string(dist.join("zh").join(page)).unwrap();
        let en_link = format!("<link rel=\"alternate\" hreflang=\"en-GB\" href=\"{base}{own}\">");
        let zh_link =
            format!("<link rel=\"alternate\" hreflang=\"zh-Hans\" href=\"{base}zh/{own}\">");
        for (path, html) in [(page.clone(), &en), (format!("zh/{page}"), &zh)] {
            assert!(html.contains(&en_link), "{path} lacks its en-GB alternate");
            assert!(
                html.contains(&zh_link),
                "{path} lacks its zh-Hans alternate"
            );
        }
        assert!(
            !zh.contains("class=\"untranslated\""),
            "zh/{page} is translated"
        );
    }
}

#[test]
fn no_english_words_of_the_site_appear_on_its_chinese_pages() {
    let dist = shipped();
    // The words the site writes itself in English: every string of the English catalogue
    // with two words or more (its placeholders cut out), and English function words, which
    // no Chinese sentence of the site needs. Publishers and research firms keep their own
    // names (docs/glossary.md), and text marked `lang="en"` (titles and quotes as the
    // sources published them) is left out, as are addresses.
    let catalogue = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/i18n/en-GB.yaml"),
    )
    .unwrap();
    let mut phrases: Vec<String> = Vec::new();
    for line in catalogue.lines() {
        let Some((_, value)) = line.split_once(": ") else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        for part in value.split(['{', '}']).step_by(2) {
            let part = part.trim_matches(|c: char| !c.is_ascii_alphanumeric());
            if part.split_whitespace().count() >= 2 {
                phrases.push(part.to_string());
            }
        }
    }
    assert!(phrases.len() > 40, "{phrases:?}");
    let sources = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/data/sources.yaml"),
    )
    .unwrap();
    let publishers: Vec<&str> = sources
        .lines()
        .filter_map(|l| l.trim().strip_prefix("publisher: "))
        .collect();
    let function_words = [
        "the", "and", "of", "to", "in", "is", "was", "for", "with", "from", "by", "on", "this",
        "that", "not", "were", "are", "its", "as", "these", "an", "or", "at", "be", "has", "have",
        "than", "per", "all", "each",
    ];
    let mut found = Vec::new();
    let mut checked = 0;
    for page in html_pages(&dist.join("zh")) {
        let html = std::fs::read_to_string(dist.join("zh").join(&page)).unwrap();
        let mut text = readable_text(&html);
        // Publications named in notes, with their own names, like the publishers.
        for publisher in publishers.iter().chain(&["Tech in Asia"]) {
            text = text.replace(publisher, " ");
        }
        text = text
            .split_whitespace()
            .filter(|w| !w.contains("://") && !w.contains(".html") && !w.contains(".com"))
            .collect::<Vec<_>>()
            .join(" ");
        for phrase in &phrases {
            if text.contains(phrase.as_str()) {
                found.push(format!("zh/{page}: \"{phrase}\""));
            }
        }
        for word in text.split(|c: char| !c.is_ascii_alphabetic()) {
            if function_words.contains(&word.to_ascii_lowercase().as_str()) {
                found.push(format!("zh/{page}: \"{word}\""));
            }
        }
        checked += 1;
    }
    found.dedup();
    assert!(checked > 100, "{checked} pages");
    assert!(
        found.is_empty(),
        "{} English words on Chinese pages:\n{}",
        found.len(),
        found
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn chinese_pages_name_the_vendors_as_vendors_yaml_does() {
    let dist = shipped();
    let files =
        quarterly::load::load_content(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let content = quarterly::parse::parse_content(&files).unwrap();
    // Names the Chinese press also uses, which the glossary settles against.
    let variants = [
        "阿里巴巴云",
        "百度云",
        "百度AI云",
        "腾讯公司云",
        "华为公司云",
        "亚马逊AWS",
        "亚马逊网络服务",
        "AWS云",
        "字节跳动火山引擎",
    ];
    let mut found = Vec::new();
    for page in html_pages(&dist.join("zh")) {
        let html = std::fs::read_to_string(dist.join("zh").join(&page)).unwrap();
        let text = readable_text(&html);
        for vendor in &content.vendors {
            // The English name is for the English edition; the Chinese one is vendors.yaml's.
            if text.contains(vendor.name.as_str()) {
                found.push(format!("zh/{page}: {}", vendor.name));
            }
        }
        for variant in variants {
            // 百度智能云 contains 百度 but not 百度云; 阿里巴巴云智能集团 (the segment,
            // short for 阿里巴巴集团云智能集团) contains 阿里巴巴云 but is not the vendor.
            let uses = text
                .match_indices(variant)
                .any(|(at, _)| !text[at + variant.len()..].starts_with("智能"));
            if uses {
                found.push(format!("zh/{page}: {variant}"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    for vendor in &content.vendors {
        let page =
            std::fs::read_to_string(dist.join(format!("zh/vendors/{}.html", vendor.id))).unwrap();
        assert!(
            page.contains(&format!("<h1>{}", vendor.name_zh)),
            "zh/vendors/{}.html is headed by {}",
            vendor.id,
            vendor.name_zh
        );
    }
}

#[test]
fn a_language_with_no_built_in_catalogue_lists_the_ui_strings_it_lacks() {
    let site = Site::new();
    site.edit(
        "content/site.yaml",
        "base_url: https://example.org/sub/\n",
        "base_url: https://example.org/sub/\nlanguages:\n  - tag: fr\n    path: fr\n",
    );
    // No catalogue for French at all: one warning says so.
    let out = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("no catalogue of UI strings for `fr`"),
        "{stderr}"
    );
    // The site's own catalogue gives one string: each other one is listed, and the pages
    // show the one given.
    site.write(
        "templates/i18n/fr.yaml",
        "skip_to_content: \"Aller au contenu\"\n",
    );
    let out = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("no catalogue of UI strings"), "{stderr}");
    assert!(
        stderr.contains("the UI string `key_figures` has no `fr` translation"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("the UI string `skip_to_content`"),
        "{stderr}"
    );
    assert!(site.run(&["build"]).status.success());
    let page = site.read("dist/fr/briefings/2023-q3.html");
    assert!(page.contains("Aller au contenu"), "{page}");
    assert!(page.contains("<html lang=\"fr\">"), "{page}");
    let english = site.read("dist/briefings/2023-q3.html");
    assert!(
        english.contains("Skip to content"),
        "the default edition keeps its words"
    );
}

#[test]
fn no_markdown_is_left_unrendered_on_the_pages_of_either_edition() {
    // CommonMark closes `**` after a full-width stop only before a space or punctuation,
    // so `**标题。**正文` would print its asterisks; the Chinese text bolds `**标题**。`.
    let dist = shipped();
    let mut found = Vec::new();
    for page in html_pages(dist) {
        let html = std::fs::read_to_string(dist.join(&page)).unwrap();
        let text = readable_text(&html);
        if text.contains("**") || text.contains("__") {
            found.push(page);
        }
    }
    assert!(found.is_empty(), "markdown left in: {found:?}");
}

#[test]
fn a_translation_that_states_other_figures_than_its_original_is_a_warning() {
    let site = bilingual();
    site.edit(
        "content/briefings/2023-q3.zh.md",
        "；另一份报道称{{market.growth@2023-Q3~scmp-2023-q2}}。",
        "，上一季度为{{market.growth@2023-Q2}}。",
    );
    let out = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "the translation states `{{market.growth@2023-Q2}}`, which its original does not"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("the translation leaves out `{{market.growth@2023-Q3~scmp-2023-q2}}`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/briefings/2023-q3.zh.md:9:"),
        "{stderr}"
    );
}
