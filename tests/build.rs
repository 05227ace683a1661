//! Builds fixture sites with the real binary and checks the HTML and SVG they produce.

mod fixture;

use fixture::{Site, snapshot_dir};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn builds_every_page_with_figures_charts_and_sources() {
    let site = Site::new();
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        // Home, two briefings, about, two vendors and their index, the data index and a
        // page per dataset, search, 404, and the archive with a page for 2023; three
        // charts in the briefings and one on each vendor's page.
        stdout(&out).starts_with("built 14 pages with 5 charts into "),
        "{}",
        stdout(&out)
    );

    let page = site.read("dist/briefings/2023-q3.html");
    // Figures come from the data, formatted with the column's unit and precision.
    assert!(page.contains(">US$9.2bn</span>"), "{page}");
    assert!(page.contains(">18%</span>"));
    // The `~source` form prints that source's value, and both sources are footnoted.
    assert!(page.contains(">17%</span>"));
    assert!(page.contains("id=\"source-canalys-2023-q3\""));
    assert!(page.contains("id=\"source-scmp-2023-q2\""));
    assert!(page.contains("href=\"#source-scmp-2023-q2\""));
    // Code is left alone.
    assert!(page.contains("<code>{{not.a@2023-Q3}}</code>"));
    // Headings get ids and a table of contents.
    assert!(page.contains("<h2 id=\"the-quarter\">"));
    assert!(page.contains("<a href=\"#vendors\">Vendors</a>"));
    // Links are relative, so the site works from disk and under any sub-path.
    assert!(page.contains("href=\"../static/style.css\""));
    assert!(page.contains("href=\"../index.html\""));
    assert!(page.contains("href=\"../about.html\""));
    assert!(page.contains("rel=\"prev\" href=\"../briefings/2023-q1.html\""));
    assert!(
        !page.contains("<a href=\"https://example.org/sub/"),
        "no absolute links in pages"
    );
    // Crawlers and feed readers get absolute URLs from base_url.
    assert!(page.contains(
        "<link rel=\"canonical\" href=\"https://example.org/sub/briefings/2023-q3.html\">"
    ));

    let home = site.read("dist/index.html");
    assert!(home.contains("href=\"briefings/2023-q3.html\""));
    assert!(home.contains("<h3>2023</h3>"));
    assert!(
        home.contains("US$9.2bn"),
        "latest headline figure on the home page"
    );
    assert!(
        site.read("dist/about.html")
            .contains("This site is a test.")
    );
    assert!(site.root().join("dist/static/style.css").exists());
}

#[test]
fn charts_are_inline_accessible_svg_with_gaps_tables_and_sources() {
    let site = Site::new();
    assert!(site.run(&["build"]).status.success());
    let page = site.read("dist/briefings/2023-q3.html");

    // Each chart comes as a wide and a narrow SVG.
    let svgs: Vec<&str> = page.split("<svg xmlns=").skip(1).collect();
    assert_eq!(svgs.len(), 4);
    let line = svgs[0];
    assert!(
        line.starts_with(
            "\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 340\" class=\"chart-svg chart-wide\""
        ),
        "{line}"
    );
    assert!(
        !line[..line.find('>').unwrap()].contains("width="),
        "no fixed width"
    );
    assert!(line.contains(
        "role=\"img\" aria-labelledby=\"chart-2023-q3-1-w-title chart-2023-q3-1-w-desc\""
    ));
    assert!(line.contains("<title id=\"chart-2023-q3-1-w-title\">Quarterly spend</title>"));
    assert!(
        line.contains("Spend rose from US$7.7bn in Q1 2023 to US$9.2bn in Q3 2023."),
        "{line}"
    );
    assert!(
        line.contains("No value was published for Q2 2023."),
        "{line}"
    );
    // The missing Q2 value is a gap: two markers, and no line joins them.
    assert_eq!(line.matches("class=\"line ").count(), 0, "{line}");
    assert_eq!(line.matches("class=\"mark c-p0\"").count(), 2);
    assert!(svgs[1].contains("class=\"chart-svg chart-narrow\""));
    assert!(svgs[1].contains("aria-labelledby=\"chart-2023-q3-1-n-title chart-2023-q3-1-n-desc\""));

    let bar = svgs[2];
    assert!(
        bar.contains("aria-labelledby=\"chart-2023-q3-2-w-title chart-2023-q3-2-w-desc\""),
        "unique ids"
    );
    assert!(
        bar.contains("class=\"bar c-alibaba-cloud\""),
        "vendor colour class"
    );
    assert!(
        bar.contains("fill=\"#D55E00\""),
        "vendor colour from vendors.yaml"
    );
    // The second series is told apart by a pattern as well as its colour.
    assert!(bar.contains("class=\"bar-p c-tencent-cloud\""));
    assert!(bar.contains("fill=\"url(#chart-2023-q3-2-w-p1)\""));
    assert!(bar.contains("<pattern id=\"chart-2023-q3-2-w-p1\""));
    assert_eq!(
        bar.matches("class=\"bar").count(),
        4,
        "two periods, two vendors"
    );

    // Beside each chart: a source line, a data table that shows the gap as a gap, and a CSV.
    assert!(
        page.contains("<p class=\"chart-source\">Sources: Canalys via South China Morning Post")
    );
    assert!(page.contains("<td class=\"missing\">not published</td>"));
    assert_eq!(page.matches("<details class=\"chart-data\">").count(), 2);
    assert!(page.contains("href=\"../charts/2023-q3-quarterly-spend.csv\" download"));
    let csv = site.read("dist/charts/2023-q3-quarterly-spend.csv");
    assert_eq!(
        csv,
        "period,Spend (USD bn)\n2023-Q1,7.7\n2023-Q2,\n2023-Q3,9.2\n"
    );
}

#[test]
fn data_text_is_escaped_everywhere() {
    let site = Site::new();
    site.edit(
        "content/data/market.yaml",
        "label: Spend",
        "label: \"A&B <script>\"",
    );
    site.edit(
        "content/briefings/2023-q3.md",
        "title: Quarterly spend",
        "title: \"x <b>&</b>\"",
    );
    site.edit(
        "content/data/sources.yaml",
        "title: China cloud Q3 2023",
        "title: \"Q3 <img src=x onerror=alert(1)>\"",
    );
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = site.read("dist/briefings/2023-q3.html");
    assert!(!page.contains("<script>"));
    assert!(!page.contains("<img src=x"));
    assert!(!page.contains("<b>&</b>"));
    assert!(page.contains("A&amp;B &lt;script&gt;"));
    assert!(page.contains("x &lt;b&gt;&amp;&lt;/b&gt;"));
}

#[test]
fn two_builds_are_byte_identical() {
    let site = Site::new();
    assert!(site.run(&["build"]).status.success());
    let first = snapshot_dir(&site.dist());
    assert!(site.run(&["build"]).status.success());
    assert_eq!(first, snapshot_dir(&site.dist()));
    assert!(first.len() >= 5);
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::new();
    site.edit(
        "content/briefings/2023-q1.md",
        "summary: Spend was flat.",
        "summary: Spend was flat.\ndraft: true",
    );
    assert!(site.run(&["build"]).status.success());
    assert!(!site.dist().join("briefings/2023-q1.html").exists());
    assert!(
        !site
            .read("dist/briefings/2023-q3.html")
            .contains("rel=\"prev\"")
    );
    assert!(site.run(&["build", "--drafts"]).status.success());
    assert!(
        site.read("dist/briefings/2023-q1.html")
            .contains("class=\"draft\"")
    );
}

#[test]
fn check_writes_nothing_and_build_honours_root_and_out() {
    let site = Site::new();
    let out = site.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!site.dist().exists());

    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("public");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quarterly"))
        .args(["build", "--root"])
        .arg(site.root())
        .arg("--out")
        .arg(&target)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(target.join("index.html").exists());
}

#[test]
fn usage_errors_exit_2_and_refuse_to_overwrite_sources() {
    let site = Site::new();
    assert_eq!(
        site.run(&["build", "--no-such-flag"]).status.code(),
        Some(2)
    );
    assert_eq!(site.run(&["frobnicate"]).status.code(), Some(2));
    let out = site.run(&["build", "--out", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("refusing to write the site into"));
    let out = site.run(&["build", "--out", "content"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(site.root().join("content/site.yaml").exists());
}

#[test]
fn a_missing_content_dir_is_an_error_not_a_panic() {
    let empty = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quarterly"))
        .args(["build", "--root"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no `content/` directory"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_figure_is_credited_to_its_own_firm_and_second_hand_pages_say_so() {
    let site = Site::new();
    // The Q2 page also reports Alibaba Group's own revenue: a value credited to that firm
    // gets a footnote of its own, naming it.
    site.edit(
        "content/data/market.yaml",
        "  - period: 2023-Q3\n    source: canalys-2023-q3\n",
        "  - period: 2023-Q3\n    source: canalys-2023-q3\n    partner_share: {value: 25, source: scmp-2023-q2, firm: Alibaba Group}\n",
    );
    site.edit(
        "content/data/market.yaml",
        "  growth:\n",
        "  partner_share:\n    label: Partner share\n    unit: \"%\"\n  growth:\n",
    );
    site.edit(
        "content/briefings/2023-q1.md",
        "Spend was {{market.spend@2023-Q1}}.",
        "Spend was {{market.spend@2023-Q1}}; partners {{market.partner_share@2023-Q3}}; Alibaba had {{vendor-shares.alibaba-cloud@2023-Q1}}. Q3 growth implies a base of {{calc market.spend@2023-Q3 / (1 + market.growth@2023-Q3 / 100)}}; spend rose {{calc (market.spend@2023-Q3 / market.spend@2023-Q1 - 1) * 100 %}}.",
    );
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = site.read("dist/briefings/2023-q1.html");
    assert!(
        page.contains("<li id=\"source-scmp-2023-q2\">Canalys, via South China Morning Post: "),
        "{page}"
    );
    assert!(
        page.contains(
            "<li id=\"source-scmp-2023-q2--alibaba-group\">Alibaba Group, via South China Morning Post: "
        ),
        "{page}"
    );
    assert!(page.contains("href=\"#source-scmp-2023-q2--alibaba-group\""));
    // A share read only on a repost carries the mark, its footnote is labelled, and the
    // mark is explained above the sources.
    assert!(
        page.contains("aria-label=\"Source 3, the only source, second-hand\">3†</a>"),
        "{page}"
    );
    assert!(page.contains("A Cloud Blog <span class=\"source-kind\">(repost)</span>"));
    assert!(page.contains("<p class=\"source-key\">† The only page found"));
    // Figures from a firm's own release carry no mark, and no key is needed where none is.
    let q3 = site.read("dist/briefings/2023-q3.html");
    assert!(q3.contains("aria-label=\"Source 1\">1</a>"));
    assert!(
        q3.contains("Canalys via A Cloud Blog (repost)<sup class=\"cite\"><a href=\"#source-blog-2023-q1\" aria-label=\"Source"),
        "the chart's source line names the repost: {q3}"
    );
    // A quote prints the source's words with their footnote, and the sentence is listed.
    assert!(q3.contains("<q class=\"quoted\">kept gaining share</q><sup class=\"cite\">"));
    assert!(q3.contains("<q class=\"source-quote\">Telcos kept gaining share in the quarter.</q>"));

    // Calculated figures are the editors' arithmetic, say so, and cite every input.
    assert!(
        page.contains("<span class=\"figure calculated\" title=\"Calculated by the editors from Spend, Q3 2023: US$9.2bn; Growth, Q3 2023: 18%\">US$7.8bn</span><sup class=\"cite\">"),
        "{page}"
    );
    assert!(page.contains(">19.5%</span>"), "{page}");

    let csv = site.read("dist/data/market.csv");
    assert!(csv.starts_with(
        "period,column,value,unit,qualifier,published_as,firm,source,source_kind,source_url,note\n"
    ));
    assert!(
        csv.contains("2023-Q3,partner_share,25,%,,main,Alibaba Group,scmp-2023-q2,report,"),
        "{csv}"
    );
    assert!(csv.contains("2023-Q3,spend,9.2,USD bn,,main,Canalys,canalys-2023-q3,release,"));
    let json = site.read("dist/data/vendor-shares.json");
    assert!(json.contains("\"firm\": \"Canalys\""), "{json}");
    assert!(json.contains("\"kind\": \"repost\""), "{json}");
    let data = site.read("dist/data/vendor-shares.html");
    assert!(data.contains("39%<sup class=\"cite\">"), "{data}");
    assert!(data.contains("†</a></sup>"));
}

#[test]
fn every_page_links_a_themable_favicon_that_the_build_ships() {
    let site = Site::new();
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let link = |root: &str| {
        format!("<link rel=\"icon\" href=\"{root}static/favicon.svg\" type=\"image/svg+xml\">")
    };
    assert!(site.read("dist/index.html").contains(&link("")));
    assert!(
        site.read("dist/briefings/2023-q3.html")
            .contains(&link("../"))
    );
    // A host serves the 404 page at any path, so its links are absolute.
    assert!(
        site.read("dist/404.html")
            .contains(&link("https://example.org/sub/"))
    );
    let icon = site.read("dist/static/favicon.svg");
    roxmltree::Document::parse(&icon).expect("the favicon is well-formed SVG");
    assert!(
        icon.contains("prefers-color-scheme: dark"),
        "the icon suits dark tabs: {icon}"
    );

    // A site's own icon replaces the built-in one.
    site.write(
        "templates/static/favicon.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        site.read("dist/static/favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
    );
}

#[test]
fn archetypes_are_not_page_templates() {
    let site = Site::new();
    // Neither would compile as a page template; the build must not try.
    site.write("templates/archetypes/briefing.md", "{% if %}\n");
    site.write("templates/archetypes/page.html", "{{ broken\n");
    let before = site.run(&["build"]);
    assert!(before.status.success(), "{}", stderr(&before));
    assert!(!site.dist().join("archetypes").exists());
    assert!(!site.dist().join("static/archetypes").exists());
    let check = site.run(&["check", "--deny-warnings"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn a_build_shows_the_first_warnings_and_counts_the_rest_while_check_lists_them_all() {
    let site = Site::new();
    let numbers: Vec<String> = (1..=30).map(|n| format!("{n} units")).collect();
    site.edit(
        "content/briefings/2023-q1.md",
        "Spend was {{market.spend@2023-Q1}}.",
        &format!(
            "Spend was {{{{market.spend@2023-Q1}}}}. {}.",
            numbers.join(", ")
        ),
    );
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stderr(&out);
    assert_eq!(
        shown.matches("warning: number typed in prose").count(),
        20,
        "{shown}"
    );
    assert!(
        shown.contains("… and 10 more warnings not shown (30 in all, in 1 file); `quarterly check` lists every one"),
        "{shown}"
    );
    let out = site.run(&["check"]);
    let listed = stderr(&out);
    assert_eq!(
        listed.matches("warning: number typed in prose").count(),
        30,
        "{listed}"
    );
    assert!(!listed.contains("not shown"), "{listed}");
}

#[test]
fn timings_name_every_stage_and_the_peak_memory() {
    let site = Site::new();
    let out = site.run(&["build", "--timings"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = stdout(&out);
    let stages: Vec<&str> = report
        .lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert_eq!(
        stages,
        [
            "load", "parse", "validate", "render", "links", "write", "total", "images:", "pages:",
            "peak"
        ],
        "{report}"
    );
    assert!(report.contains("pages: every job run"), "{report}");
    // The next build makes no page again: nothing changed.
    let again = stdout(&site.run(&["build", "--timings"]));
    assert!(
        again.contains("images: 0 drawn, 0 from the cache"),
        "{again}"
    );
    assert!(again.contains("pages: 0 jobs run,"), "{again}");
    assert!(again.contains("0 files written, 0 removed"), "{again}");
    // Every job run again: no image drawn again, no file written again.
    assert!(!report.contains("images: 0 drawn"), "{report}");
    let fresh = stdout(&site.run(&["build", "--timings", "--fresh"]));
    assert!(fresh.contains("images: 0 drawn,"), "{fresh}");
    // Into another directory, every image is linked from the cache.
    let elsewhere = stdout(&site.run(&["build", "--timings", "--out", "elsewhere"]));
    assert!(elsewhere.contains("images: 0 drawn,"), "{elsewhere}");
    assert!(!elsewhere.contains(" 0 from the cache"), "{elsewhere}");
    assert!(elsewhere.contains("pages: every job run"), "{elsewhere}");
    assert!(
        fresh.contains(" 0 unchanged since the last build; 0 files written, 0 removed"),
        "{fresh}"
    );
    assert!(report.contains(" ms"), "{report}");
    if cfg!(target_os = "linux") {
        assert!(
            report.contains("peak memory ") && report.contains(" MiB"),
            "{report}"
        );
    }
    let out = site.run(&["check", "--timings"]);
    let report = stdout(&out);
    assert!(
        report.contains("  links ") && !report.contains("  write "),
        "{report}"
    );
    // Without the flag, a build prints its one line.
    let out = site.run(&["build"]);
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
}

#[test]
fn site_yaml_sets_how_many_briefings_the_feed_carries() {
    let site = Site::new();
    site.edit(
        "content/site.yaml",
        "headline:",
        "feed_entries: 1\nheadline:",
    );
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let feed = site.read("dist/feed.xml");
    assert_eq!(feed.matches("<entry>").count(), 1, "{feed}");
    assert!(
        feed.contains("briefings/2023-q3.html"),
        "the latest: {feed}"
    );
    assert!(!feed.contains("briefings/2023-q1.html"), "{feed}");

    site.edit("content/site.yaml", "feed_entries: 1", "feed_entries: 0");
    let out = site.run(&["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("`feed_entries` must be a whole number from 1 to 10000")
            && err.contains("content/site.yaml:"),
        "{err}"
    );
}

#[test]
fn the_pages_words_come_from_the_catalogue_of_the_sites_language() {
    let site = Site::new();
    site.write(
        "content/site.yaml",
        &fixture::SITE.replacen("title:", "language: zh-Hans\ntitle:", 1),
    );
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let home = site.read("dist/index.html");
    assert!(home.contains(r#"<html lang="zh-Hans">"#), "{home}");
    assert!(home.contains("跳到正文"), "{home}");
    assert!(home.contains("最新简报"), "{home}");
    assert!(!home.contains("Skip to content"), "{home}");
    // The titles the pages get from Rust too.
    let not_found = site.read("dist/404.html");
    assert!(not_found.contains("<title>找不到页面 · "), "{not_found}");
    assert!(not_found.contains("您要找的页面不在这里。"), "{not_found}");
    let archive = site.read("dist/archive.html");
    assert!(archive.contains("<title>归档 · "), "{archive}");
    // The search script says what it found in the page's language.
    let search = site.read("dist/search.html");
    assert!(
        search.contains(r#"data-many="找到{count}期简报，最新的在前。""#),
        "{search}"
    );
    // A site's own catalogue replaces a key of the built-in one.
    site.write(
        "templates/i18n/zh-Hans.yaml",
        "latest_briefings: \"近期简报\"\n",
    );
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let home = site.read("dist/index.html");
    assert!(
        home.contains("近期简报") && !home.contains("最新简报"),
        "{home}"
    );
    assert!(home.contains("跳到正文"), "{home}");
}
