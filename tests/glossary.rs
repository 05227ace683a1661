//! `docs/glossary.md` fixes the vendors' Chinese names for the Chinese edition; they are the
//! `name_zh` of `content/data/vendors.yaml`, so the two cannot say different things.

use std::collections::BTreeMap;
use std::path::Path;

/// Each vendor of the shipped vendors file: id to (name, name_zh).
fn vendors() -> BTreeMap<String, (String, String)> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(repo.join("content/data/vendors.yaml")).unwrap();
    let mut vendors = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if !line.starts_with([' ', '#']) && line.ends_with(':') {
            let id = line.trim_end_matches(':').to_string();
            vendors.insert(id.clone(), (String::new(), String::new()));
            current = Some(id);
        } else if let (Some(id), Some((key, value))) = (&current, line.trim().split_once(": ")) {
            let entry = vendors.get_mut(id).unwrap();
            match key {
                "name" => entry.0 = value.to_string(),
                "name_zh" => entry.1 = value.to_string(),
                _ => {}
            }
        }
    }
    vendors
}

/// The rows of the glossary's vendor table: id to (English, Chinese).
fn glossary_vendors() -> BTreeMap<String, (String, String)> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(repo.join("docs/glossary.md")).unwrap();
    let table = text
        .split("| vendor id | English | 简体中文 |")
        .nth(1)
        .expect("the glossary has a table of vendors");
    table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<String> = l
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect();
            assert_eq!(cells.len(), 3, "{l}");
            (cells[0].clone(), (cells[1].clone(), cells[2].clone()))
        })
        .collect()
}

#[test]
fn the_glossary_names_every_vendor_as_the_vendors_file_does() {
    let vendors = vendors();
    assert!(vendors.len() >= 6, "{vendors:?}");
    assert!(
        vendors
            .values()
            .all(|(name, zh)| !name.is_empty() && !zh.is_empty()),
        "{vendors:?}"
    );
    assert_eq!(glossary_vendors(), vendors);
}

#[test]
fn the_chinese_catalogue_uses_the_glossarys_words() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalogue = std::fs::read_to_string(repo.join("templates/i18n/zh-Hans.yaml")).unwrap();
    let line = |key: &str| {
        catalogue
            .lines()
            .find(|l| l.starts_with(&format!("{key}: ")))
            .unwrap_or_else(|| panic!("no {key}"))
            .to_string()
    };
    assert!(line("key_figures").contains("关键数据"));
    assert!(line("sources").contains("资料来源"));
    assert!(line("not_published").contains("未公布"));
    assert!(line("vendors").contains("厂商"));
    assert!(line("series_break").contains("序列断点"));
    // No space between Chinese and a number or a Latin word.
    for l in catalogue.lines().filter(|l| !l.starts_with('#')) {
        assert!(
            !l.contains(" {count}") && !l.contains("{count} "),
            "a count set apart: {l}"
        );
    }
}
