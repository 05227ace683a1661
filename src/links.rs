//! Internal links in the rendered site: every `href` and `src` that stays inside the site
//! must name a file that is built, and every `#fragment` an id on that page.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::OutputFile;

/// The values of every `attr="…"` in `html`.
pub fn attribute_values<'h>(html: &'h str, attr: &str) -> Vec<&'h str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// Resolves `href` on the page at `page` to a site path and a fragment; `None` for links
/// that leave the site. Absolute links under `base_url` (the 404 page's) count as internal.
pub fn resolve(page: &str, href: &str, base_url: &str) -> Option<(String, Option<String>)> {
    let href = href.replace("&amp;", "&");
    let href = match href.strip_prefix(base_url) {
        Some(rest) => format!("/{rest}"),
        None if href.contains("://")
            || href.starts_with("mailto:")
            || href.starts_with("data:") =>
        {
            return None;
        }
        None => href,
    };
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p.to_string(), Some(f.to_string())),
        None => (href.clone(), None),
    };
    let path = path.split('?').next().unwrap_or("").to_string();
    let target = if path.is_empty() {
        page.to_string()
    } else if let Some(absolute) = path.strip_prefix('/') {
        if absolute.is_empty() {
            "index.html".to_string()
        } else {
            absolute.to_string()
        }
    } else {
        let mut parts: Vec<&str> = page.split('/').collect();
        parts.pop();
        for segment in path.split('/') {
            match segment {
                ".." => {
                    // Above the site root: a link that can only be broken.
                    if parts.pop().is_none() {
                        return Some((format!("../{path}"), fragment));
                    }
                }
                "." | "" => {}
                s => parts.push(s),
            }
        }
        parts.join("/")
    };
    Some((target, fragment))
}

/// A link on a built page that leads nowhere in the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenLink {
    /// The built page it is on, relative to the site root.
    pub page: String,
    /// The `href` or `src` as written in the HTML.
    pub href: String,
    /// What is wrong: the file is not in the site, or it has no such id.
    pub problem: String,
    /// A link from the same page to a file of the site with the name asked for, when there
    /// is exactly one.
    pub suggestion: Option<String>,
}

/// Every broken internal link, and how many links were checked.
pub fn broken_links(files: &[OutputFile], base_url: &str) -> (Vec<BrokenLink>, usize) {
    let paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let pages: BTreeMap<&str, String> = files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .map(|f| {
            (
                f.path.as_str(),
                String::from_utf8_lossy(&f.bytes).into_owned(),
            )
        })
        .collect();
    let ids: BTreeMap<&str, BTreeSet<String>> = pages
        .iter()
        .map(|(path, html)| {
            (
                *path,
                attribute_values(html, "id")
                    .into_iter()
                    .map(|s| s.replace("&amp;", "&"))
                    .collect(),
            )
        })
        .collect();
    let mut broken = Vec::new();
    let mut checked = 0;
    for (page, html) in &pages {
        // The canonical URL names where the page will be published, not a file of the build.
        let canonical = html
            .split("rel=\"canonical\" href=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next());
        for href in attribute_values(html, "href")
            .into_iter()
            .chain(attribute_values(html, "src"))
        {
            if Some(href) == canonical {
                continue;
            }
            let Some((target, fragment)) = resolve(page, href, base_url) else {
                continue;
            };
            checked += 1;
            if !paths.contains(target.as_str()) {
                broken.push(BrokenLink {
                    page: page.to_string(),
                    href: href.to_string(),
                    problem: format!("{target} is not in the site"),
                    suggestion: same_name_elsewhere(page, &target, &paths),
                });
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty())
                && !ids
                    .get(target.as_str())
                    .is_some_and(|set| set.contains(&fragment))
            {
                broken.push(BrokenLink {
                    page: page.to_string(),
                    href: href.to_string(),
                    problem: format!("{target} has no id `{fragment}`"),
                    suggestion: None,
                });
            }
        }
    }
    (broken, checked)
}

/// The one file of the site named like `target`, as a link from `page`.
fn same_name_elsewhere(page: &str, target: &str, paths: &BTreeSet<&str>) -> Option<String> {
    let name = target.rsplit('/').next()?;
    let mut found = paths.iter().filter(|p| p.rsplit('/').next() == Some(name));
    let only = found.next()?;
    if found.next().is_some() {
        return None;
    }
    Some(format!("{}{only}", "../".repeat(page.matches('/').count())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, html: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            bytes: html.as_bytes().to_vec(),
        }
    }

    #[test]
    fn finds_missing_files_and_anchors_and_follows_relative_paths() {
        let files = [
            file(
                "index.html",
                "<a href=\"briefings/a.html#x\">a</a> <a href=\"#top\">t</a> <a href=\"https://else.where/\">e</a>",
            ),
            file(
                "briefings/a.html",
                "<h2 id=\"x\">x</h2><a href=\"../index.html\">home</a><a href=\"../gone.html\">g</a><a href=\"https://example.org/s/briefings/a.html#y\">y</a>",
            ),
        ];
        let (broken, checked) = broken_links(&files, "https://example.org/s/");
        assert_eq!(checked, 5);
        let problems: Vec<String> = broken
            .iter()
            .map(|b| format!("{} {}: {}", b.page, b.href, b.problem))
            .collect();
        assert_eq!(
            problems,
            [
                "briefings/a.html ../gone.html: gone.html is not in the site",
                "briefings/a.html https://example.org/s/briefings/a.html#y: briefings/a.html has no id `y`",
                "index.html #top: index.html has no id `top`",
            ]
        );
    }

    #[test]
    fn suggests_the_one_file_with_the_name_asked_for() {
        let files = [
            file("briefings/a.html", "<a href=\"about.html\">about</a>"),
            file("about.html", "<p>about</p>"),
        ];
        let (broken, _) = broken_links(&files, "https://e/");
        assert_eq!(broken[0].suggestion.as_deref(), Some("../about.html"));
    }

    #[test]
    fn links_above_the_root_are_broken() {
        let (broken, _) = broken_links(
            &[file("index.html", "<a href=\"../x.html\">x</a>")],
            "https://e/",
        );
        assert_eq!(broken.len(), 1);
        assert_eq!(broken[0].suggestion, None);
        assert_eq!(resolve("a.html", "https://other/x", "https://e/"), None);
    }
}
