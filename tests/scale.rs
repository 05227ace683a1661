//! A generated site of 2,000 briefings, each with two charts, built as the benchmark builds
//! its sites: every page stays light (no HTML file over 300 KB), and the structure scales.
//! The home page shows the latest briefings and leads to an archive with a page per year,
//! from which every briefing is reached (also from the search page, without JavaScript);
//! the feed carries the latest 20; the data page is an index with pages per dataset; vendor
//! pages list briefings by year; the sitemap lists every page. Sizes and counts, never times.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

const BRIEFINGS: usize = 2_000;
const FIRST_YEAR: usize = 1500;
const PAGE_LIMIT: usize = 300 * 1024;

const VENDORS: [(&str, &str, &str, &str); 4] = [
    ("alibaba-cloud", "Alibaba Cloud", "阿里云", "#D55E00"),
    ("huawei-cloud", "Huawei Cloud", "华为云", "#CC79A7"),
    ("tencent-cloud", "Tencent Cloud", "腾讯云", "#0072B2"),
    ("baidu-ai-cloud", "Baidu AI Cloud", "百度智能云", "#009E73"),
];

fn period(i: usize) -> String {
    format!("{}-Q{}", FIRST_YEAR + i / 4, i % 4 + 1)
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A site like the benchmark's: two datasets with a row per briefing, and briefings with
/// prose that names vendors, cites the data, links the quarter before, and draws two charts.
fn generate(root: &Path) {
    write(
        root,
        "content/site.yaml",
        "title: Scale test\ndescription: Generated briefings.\nbase_url: https://example.org/scale/\n\
         navigation:\n  - label: Briefings\n    target: home\n  - label: Data\n    target: data\n\
         headline:\n  - market.spend\n  - vendor-shares.alibaba-cloud\n",
    );
    write(
        root,
        "content/data/sources.yaml",
        "tracker:\n  publisher: Generated Research\n  title: A generated tracker\n  url: https://sources.example.net/tracker\n  published: 2024-01-15\n",
    );
    let mut vendors = String::new();
    for (id, name, zh, colour) in VENDORS {
        writeln!(
            vendors,
            "{id}:\n  name: {name}\n  name_zh: {zh}\n  colour: \"{colour}\""
        )
        .unwrap();
    }
    write(root, "content/data/vendors.yaml", &vendors);
    let mut market = String::from(
        "title: Spend\ndescription: Generated quarterly spend.\nsource: tracker\ncolumns:\n  spend:\n    label: Spend\n    unit: USD bn\n    precision: 1\nrows:\n",
    );
    let mut shares = String::from(
        "title: Shares\ndescription: Generated vendor shares.\nsource: tracker\ncolumns:\n",
    );
    for (id, name, _, _) in VENDORS {
        writeln!(shares, "  {id}:\n    label: {name}\n    unit: \"%\"\n    precision: 1\n    vendor: {id}\n    part_of: market").unwrap();
    }
    shares.push_str("rows:\n");
    for i in 0..BRIEFINGS {
        let p = period(i);
        writeln!(
            market,
            "  - period: {p}\n    spend: {}.{}",
            2 + i / 100,
            i % 10
        )
        .unwrap();
        writeln!(shares, "  - period: {p}").unwrap();
        for (v, (id, ..)) in VENDORS.iter().enumerate() {
            writeln!(shares, "    {id}: {}.{}", 30 - v * 6, (i + v) % 10).unwrap();
        }
    }
    write(root, "content/data/market.yaml", &market);
    write(root, "content/data/vendor-shares.yaml", &shares);
    for i in 0..BRIEFINGS {
        let p = period(i);
        let from = period(i.saturating_sub(7));
        let (_, name, zh, _) = VENDORS[i % 4];
        let (_, other, _, _) = VENDORS[(i + 1) % 4];
        let before = if i > 0 {
            format!(
                " See [the quarter before]({}.html).",
                period(i - 1).to_lowercase()
            )
        } else {
            String::new()
        };
        let mut body = format!(
            "---\ntitle: \"{p}: {name} and {other}\"\nperiod: {p}\nsummary: \"Spending in {p}, with {name} ({zh}) ahead.\"\n---\n\n\
             ## The quarter\n\nSpending reached {{{{market.spend@{p}}}}}.{before}\n\n"
        );
        for k in 0..6 {
            writeln!(
                body,
                "{name} ({zh}) and {other} kept investing in regional capacity, paragraph {k}, \
                 as customers in finance and government moved workloads to public cloud.\n"
            )
            .unwrap();
        }
        write!(
            body,
            "```chart\nkind: line\ntitle: Spend\ndata: market\ny: spend\nfrom: {from}\nto: {p}\n```\n\n\
             ```chart\nkind: line\ntitle: Shares\ndata: vendor-shares\ny: [alibaba-cloud, huawei-cloud, tencent-cloud, baidu-ai-cloud]\nfrom: {from}\nto: {p}\n```\n"
        )
        .unwrap();
        write(
            root,
            &format!("content/briefings/{}.md", p.to_lowercase()),
            &body,
        );
    }
}

/// The internal links of a page, resolved to site paths.
fn links_from(page: &str, html: &str) -> Vec<String> {
    quarterly::links::links_and_ids(html)
        .links
        .iter()
        .filter_map(|href| quarterly::links::resolve(page, href, "https://example.org/scale/"))
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn two_thousand_briefings_stay_light_and_every_one_is_reached_through_the_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    generate(&root);
    // Built in memory: the shape of the site is the question here, and images are left as
    // the SVG they are drawn from (the benchmark draws them all).
    let built = quarterly::render_in_memory(&root, Default::default()).unwrap_or_else(|d| {
        panic!(
            "{}",
            d.render(false)
                .lines()
                .take(40)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    assert_eq!(
        built.charts,
        2 * BRIEFINGS + 1 + VENDORS.len(),
        "two charts a briefing, the home trend and a chart per vendor"
    );
    let files: BTreeMap<String, Vec<u8>> = built
        .files
        .iter()
        .map(|f| (f.path.clone(), f.bytes.clone()))
        .collect();
    let html = |path: &str| String::from_utf8(files[path].clone()).unwrap();

    // Goal 2: no page over 300 KB, at this size or (the structure says) any other.
    let heavy: Vec<(&String, usize)> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, b.len()))
        .filter(|(_, len)| *len > PAGE_LIMIT)
        .collect();
    assert!(heavy.is_empty(), "pages over 300 KB: {heavy:?}");

    // The home page: the latest briefings, and a way to every year.
    let home = html("index.html");
    let home_links = links_from("index.html", &home);
    let latest: Vec<&String> = home_links
        .iter()
        .filter(|l| l.starts_with("briefings/"))
        .collect();
    assert!(!latest.is_empty() && latest.len() <= 10, "{latest:?}");
    assert!(
        latest
            .iter()
            .any(|l| l.ends_with(&format!("{}.html", period(BRIEFINGS - 1).to_lowercase())))
    );
    assert!(home_links.contains(&"archive.html".to_string()));

    // Every briefing is reached from the search page, without JavaScript, in three steps:
    // the archive, a year, the briefing.
    let search = html("search.html");
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let years = BRIEFINGS.div_ceil(4);
    assert!(links_from("search.html", &search).contains(&"archive.html".to_string()));
    let year_pages: Vec<String> = links_from("archive.html", &html("archive.html"))
        .into_iter()
        .filter(|l| l.starts_with("archive/"))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(year_pages.len(), years, "a page per year");
    for year in &year_pages {
        reached.extend(
            links_from(year, &html(year))
                .into_iter()
                .filter(|l| l.starts_with("briefings/")),
        );
    }
    let briefings: BTreeSet<String> = files
        .keys()
        .filter(|p| p.starts_with("briefings/"))
        .cloned()
        .collect();
    assert_eq!(briefings.len(), BRIEFINGS);
    assert_eq!(reached, briefings, "the archive reaches every briefing");

    // The feed: the latest 20, in full.
    let feed = html("feed.xml");
    assert_eq!(feed.matches("<entry>").count(), 20);
    assert_eq!(feed.matches("<content type=\"html\">").count(), 20);
    let entry = |i: usize| {
        format!(
            "<id>https://example.org/scale/briefings/{}.html</id>",
            period(i).to_lowercase()
        )
    };
    assert!(feed.contains(&entry(BRIEFINGS - 1)) && feed.contains(&entry(BRIEFINGS - 20)));
    assert!(!feed.contains(&entry(BRIEFINGS - 21)));

    // The data page is an index; each dataset has pages of its own, linked in a chain.
    let data_links = links_from("data.html", &html("data.html"));
    for dataset in ["market", "vendor-shares"] {
        let first = format!("data/{dataset}.html");
        assert!(data_links.contains(&first), "{data_links:?}");
        let mut pages = vec![first];
        while let Some(next) = links_from(pages.last().unwrap(), &html(pages.last().unwrap()))
            .into_iter()
            .find(|l| l.starts_with(&format!("data/{dataset}-")) && !pages.contains(l))
        {
            pages.push(next);
        }
        assert_eq!(pages.len(), BRIEFINGS.div_ceil(400), "{dataset}: {pages:?}");
        let rows: usize = pages
            .iter()
            .map(|p| html(p).matches("<th scope=\"row\">").count())
            .sum();
        assert_eq!(
            rows, BRIEFINGS,
            "{dataset}: every row on one page or another"
        );
    }

    // Vendor pages list the latest years in full and count the earlier ones by decade.
    let vendor = html("vendors/alibaba-cloud.html");
    assert_eq!(vendor.matches("<h3>").count(), 10, "ten years in full");
    assert!(
        vendor.contains("archive.html#decade-"),
        "earlier decades lead to the archive"
    );

    // The sitemap lists every page but the 404, in one file at this size.
    let sitemap = html("sitemap.xml");
    let pages = files
        .keys()
        .filter(|p| p.ends_with(".html") && *p != "404.html" && !p.starts_with("embed/"))
        .count();
    assert_eq!(sitemap.matches("<loc>").count(), pages);

    // Search: the page is small, the index a fixed set of small files.
    assert!(search.len() < 10_000);
    let shards = files.keys().filter(|p| p.starts_with("search/t-")).count();
    let blocks = files.keys().filter(|p| p.starts_with("search/d-")).count();
    assert_eq!((shards, blocks), (256, BRIEFINGS.div_ceil(32)));
}
