#!/usr/bin/env python3
"""Wrap the plain benchmark corpus into a quarterly site.

Usage:
  gen_corpus.py --n 1000 --format plain --out PLAIN
  make_site.py --plain PLAIN --out SITE [--force] [--first-year 1000] [--templates DIR]

Input: the `--format plain` output of ../shared/bench/gen_corpus.py
(PLAIN/manifest.json, PLAIN/pages/<slug>.md = body, PLAIN/pages/<slug>.json =
title, date, quarter, summary, slug).

Output: a site that `quarterly build --root SITE --out OUT` builds:

  SITE/content/site.yaml
  SITE/content/data/sources.yaml        three sources
  SITE/content/data/vendors.yaml        the four vendors, with colours
  SITE/content/data/market.yaml         quarterly: spend (USD bn), growth (%)
  SITE/content/data/vendor-shares.yaml  quarterly: four vendor shares (%, part_of: market)
  SITE/content/briefings/<period>.md    one per corpus page
  SITE/templates/                       copy of the repository's templates/, if it exists

Page i (in manifest order) gets its own quarter, counting forward from
<first-year>-Q1: page 0 is 1000-Q1, page 1 is 1000-Q2, ... page 9999 is 3499-Q4,
so every year has four digits and N pages use N distinct periods.  The
briefing file is named after that period (1000-q1.md).  The corpus's own
"quarter" field (2015Q1 ...) repeats across pages and is not used.

Each briefing is: YAML front matter (title and summary from the sidecar, the
period above), a blank line, the corpus body byte for byte (the same bytes Hugo
gets after its front matter), then two chart blocks: market.spend and the four
vendor shares, both line charts over the eight quarters up to the page's
period (fewer for the first seven pages).

Dataset rows cover every period used, with no missing values; numbers are a
pure function of i (page i's numbers are the same whatever N is), shares sum
to well under 100.  Standard library only.
"""
import argparse
import json
import os
import random
import shutil
import sys

VENDORS = [
    # id, name, Chinese name, colour (Okabe-Ito palette)
    ("alibaba-cloud", "Alibaba Cloud", "阿里云", "#D55E00"),
    ("huawei-cloud", "Huawei Cloud", "华为云", "#CC79A7"),
    ("tencent-cloud", "Tencent Cloud", "腾讯云", "#0072B2"),
    ("baidu-ai-cloud", "Baidu AI Cloud", "百度智能云", "#009E73"),
]

SOURCES = {
    "bench-market-tracker": {
        "publisher": "Benchmark Research",
        "title": "Benchmark Research: synthetic China cloud infrastructure spend tracker",
        "url": "https://sources.example.net/bench/market-tracker",
        "published": "2024-01-15",
        "note": "Synthetic figures generated for the build benchmark.",
    },
    "bench-vendor-tracker": {
        "publisher": "Benchmark Research",
        "title": "Benchmark Research: synthetic China cloud vendor share tracker",
        "url": "https://sources.example.net/bench/vendor-tracker",
        "published": "2024-02",
        "firm": "Benchmark Analytics",
    },
    "bench-methodology": {
        "publisher": "Benchmark Research",
        "title": "How the synthetic benchmark figures are made",
        "url": "https://sources.example.net/bench/methodology",
    },
}

SITE_YAML = """\
title: China Cloud Quarterly (benchmark)
description: Synthetic briefings used to benchmark the quarterly site generator.
base_url: https://example.org/bench/
language: en
author: The benchmark generator
navigation:
  - label: Briefings
    target: home
"""


def q(s):
    """A YAML double-quoted scalar (a JSON string literal is one)."""
    return json.dumps(s, ensure_ascii=False)


def period(i, first_year):
    return f"{first_year + i // 4}-Q{i % 4 + 1}"


def spend_of(i):
    """Quarterly spend, USD bn: slow trend, a seasonal bump in Q4, some noise."""
    rng = random.Random(f"bench-spend-{i}")
    trend = 2.0 + 0.012 * i
    seasonal = (0.0, 0.1, 0.2, 0.6)[i % 4]
    return round(trend + seasonal + rng.uniform(-0.15, 0.15), 1)


def growth_of(i):
    """Year-on-year growth, %: from spend four quarters earlier (fixed for the first year)."""
    if i < 4:
        return 35.0
    return round((spend_of(i) / spend_of(i - 4) - 1) * 100, 1)


def shares_of(i):
    """Four vendor shares, %; the sum stays between 58 and 86."""
    rng = random.Random(f"bench-shares-{i}")
    return [
        round(rng.uniform(28, 38), 1),  # Alibaba Cloud
        round(rng.uniform(12, 20), 1),  # Huawei Cloud
        round(rng.uniform(10, 18), 1),  # Tencent Cloud
        round(rng.uniform(8, 10), 1),   # Baidu AI Cloud
    ]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def sources_yaml():
    out = []
    for sid, fields in SOURCES.items():
        out.append(f"{sid}:")
        for k, v in fields.items():
            # dates/months unquoted so they read as dates, the rest quoted
            val = v if k == "published" else q(v)
            out.append(f"  {k}: {val}")
    return "\n".join(out) + "\n"


def vendors_yaml():
    out = []
    for vid, name, zh, colour in VENDORS:
        out += [f"{vid}:", f"  name: {q(name)}", f"  name_zh: {q(zh)}", f"  colour: {q(colour)}"]
    return "\n".join(out) + "\n"


def market_yaml(n, first_year):
    out = [
        "title: Cloud infrastructure services spend, mainland China (synthetic)",
        "description: Synthetic quarterly spend for the build benchmark.",
        "source: bench-market-tracker",
        "columns:",
        "  spend:",
        "    label: Spend",
        "    unit: USD bn",
        "    precision: 1",
        "  growth:",
        "    label: Year-on-year growth",
        '    unit: "%"',
        "    precision: 1",
        "rows:",
    ]
    for i in range(n):
        out += [f"  - period: {period(i, first_year)}",
                f"    spend: {spend_of(i)}",
                f"    growth: {growth_of(i)}"]
    return "\n".join(out) + "\n"


def vendor_shares_yaml(n, first_year):
    out = [
        "title: Cloud infrastructure market shares, mainland China (synthetic)",
        "description: Synthetic quarterly vendor shares for the build benchmark.",
        "source: bench-vendor-tracker",
        "columns:",
    ]
    for vid, name, _zh, _colour in VENDORS:
        out += [f"  {vid}:", f"    label: {q(name)}", '    unit: "%"', "    precision: 1",
                f"    vendor: {vid}", "    part_of: market"]
    out.append("rows:")
    for i in range(n):
        out.append(f"  - period: {period(i, first_year)}")
        for (vid, *_rest), s in zip(VENDORS, shares_of(i)):
            out.append(f"    {vid}: {s}")
    return "\n".join(out) + "\n"


def charts(i, first_year):
    frm, to = period(max(0, i - 7), first_year), period(i, first_year)
    ys = ", ".join(v[0] for v in VENDORS)
    return (
        "\n```chart\n"
        "kind: line\n"
        "title: Quarterly spend on cloud infrastructure services\n"
        "data: market\n"
        "y: spend\n"
        f"from: {frm}\n"
        f"to: {to}\n"
        "```\n"
        "\n```chart\n"
        "kind: line\n"
        "title: Market shares of the four largest vendors\n"
        "data: vendor-shares\n"
        f"y: [{ys}]\n"
        f"from: {frm}\n"
        f"to: {to}\n"
        "```\n"
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plain", required=True, help="output dir of gen_corpus.py --format plain")
    ap.add_argument("--out", required=True, help="site dir to write")
    ap.add_argument("--force", action="store_true", help="delete --out first if it exists")
    ap.add_argument("--first-year", type=int, default=1000, help="year of page 0's quarter (default 1000)")
    default_tpl = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "templates")
    ap.add_argument("--templates", default=default_tpl,
                    help="templates dir copied to SITE/templates when it exists (default: the repo's)")
    a = ap.parse_args(argv)

    with open(os.path.join(a.plain, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    n = len(manifest)
    if n == 0:
        sys.exit("make_site.py: empty manifest")
    if a.first_year < 1000 or a.first_year + (n - 1) // 4 > 9999:
        sys.exit("make_site.py: periods must have four-digit years")

    if os.path.exists(a.out):
        if not a.force:
            sys.exit(f"make_site.py: {a.out} exists (use --force)")
        shutil.rmtree(a.out)
    content = os.path.join(a.out, "content")
    os.makedirs(os.path.join(content, "briefings"))
    os.makedirs(os.path.join(content, "pages"))

    write(os.path.join(content, "site.yaml"), SITE_YAML)
    write(os.path.join(content, "data", "sources.yaml"), sources_yaml())
    write(os.path.join(content, "data", "vendors.yaml"), vendors_yaml())
    write(os.path.join(content, "data", "market.yaml"), market_yaml(n, a.first_year))
    write(os.path.join(content, "data", "vendor-shares.yaml"), vendor_shares_yaml(n, a.first_year))

    for i, entry in enumerate(manifest):
        slug = entry["slug"]
        with open(os.path.join(a.plain, "pages", slug + ".json"), encoding="utf-8") as f:
            meta = json.load(f)
        with open(os.path.join(a.plain, "pages", slug + ".md"), encoding="utf-8", newline="") as f:
            body = f.read()
        if "{{" in body or "```" in body:
            sys.exit(f"make_site.py: {slug}.md contains '{{{{' or a fence; it would not be plain markdown here")
        p = period(i, a.first_year)
        fm = (f"---\ntitle: {q(meta['title'])}\nperiod: {p}\n"
              f"summary: {q(meta['summary'])}\n---\n\n")
        write(os.path.join(content, "briefings", p.lower() + ".md"), fm + body + charts(i, a.first_year))

    tpl = os.path.normpath(a.templates)
    copied = ""
    if os.path.isdir(tpl):
        shutil.copytree(tpl, os.path.join(a.out, "templates"))
        copied = f", templates from {tpl}"
    print(f"quarterly site: {n} briefings ({period(0, a.first_year)} .. {period(n - 1, a.first_year)}), "
          f"{2 * n} charts{copied} -> {a.out}")


if __name__ == "__main__":
    main()
