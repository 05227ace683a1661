// Runs axe-core on each kind of page of a built site in headless Chromium, in light and dark
// mode, checks that no page scrolls sideways at 360 px, and tries the search from disk (it
// renames the site's search/ folder for a moment to see a failure reported). Prints a JSON
// report.
//
//   node check.mjs DIST PAGE...   (PAGE: paths relative to DIST; every .html is checked for overflow)
import { chromium } from "playwright-core";
import { readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const [dist, ...axePages] = process.argv.slice(2);

function htmlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return htmlFiles(path);
    return name.endsWith(".html") ? [path] : [];
  });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const report = { violations: [], overflow: [], checked: 0, widths: 0, search: null };
try {
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    for (const rel of axePages) {
      await page.goto(pathToFileURL(join(dist, rel)).href);
      await page.addScriptTag({ path: axePath });
      const result = await page.evaluate(async () =>
        // eslint-disable-next-line no-undef
        axe.run(document, { resultTypes: ["violations"] }));
      report.checked += 1;
      for (const v of result.violations) {
        report.violations.push({
          page: rel, scheme, id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
        });
      }
    }
    await context.close();
  }
  const narrow = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await narrow.newPage();
  for (const file of htmlFiles(dist)) {
    await page.goto(pathToFileURL(file).href);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    report.widths += 1;
    if (width > 360) report.overflow.push({ page: relative(dist, file), width });
  }
  await narrow.close();
  // Search, from disk: nothing of the index loads until the reader searches; a query loads
  // its shards and the blocks of its first results, newest first; "Show more" adds the next
  // ones; a Chinese query finds briefings by part of a vendor's name; a missing index is
  // reported in the status line.
  const searching = await browser.newContext();
  const searchUrl = pathToFileURL(join(dist, "search.html")).href;
  const search = await searching.newPage();
  const requests = [];
  search.on("request", (r) => requests.push(r.url()));
  await search.goto(searchUrl);
  const index = async (page) => ({
    requests: requests.filter((u) => /\/search\/[td]-[0-9a-f]+\.js$/.test(u)).length,
    scripts: await page.locator('script[src*="search/"]').count(),
  });
  const before = await index(search);
  const results = async (page) => {
    const hrefs = await page.locator("#search-results li a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    return { hrefs, status: await page.locator("#search-status").textContent() };
  };
  const settled = (page) => page.waitForFunction(() => {
    const status = document.getElementById("search-status").textContent;
    return !document.getElementById("search-results").hasAttribute("aria-busy") && status && status !== "Searching…";
  });
  const query = async (page, text) => {
    await page.fill("#search-query", text);
    await page.press("#search-query", "Enter");
    await settled(page);
    return { query: text, ...(await results(page)) };
  };
  const english = await query(search, process.env.SEARCH_TERM || "accounting change");
  const after = await index(search);
  const chinese = await query(search, "阿里");
  const many = await query(search, "cloud");
  const moreVisible = await search.locator("#search-more").isVisible();
  if (moreVisible) {
    await search.click("#search-more");
    await settled(search);
  }
  const more = { before: many.hrefs.length, visible: moreVisible, after: (await results(search)).hrefs };
  // Without its index, the search says so.
  renameSync(join(dist, "search"), join(dist, "search-gone"));
  const missing = await searching.newPage();
  await missing.goto(searchUrl);
  const broken = await query(missing, "cloud");
  renameSync(join(dist, "search-gone"), join(dist, "search"));
  // The Chinese edition's own index finds a run of characters of its text.
  const zhSearch = await searching.newPage();
  await zhSearch.goto(pathToFileURL(join(dist, "zh", "search.html")).href);
  const zh = await query(zhSearch, "会计口径");
  report.search = { before, after, english, chinese, more, broken, zh };
  await searching.close();
  // Charts that travel (TRAVEL: {"frames": [embed page], "svgs": [{svg, page, index}]}):
  // each embed page in a 320 px iframe, sized as its snippet sizes it, scrolls no way
  // but down; each standalone SVG shows the text of the chart its page shows.
  const travel = JSON.parse(process.env.TRAVEL || '{"frames":[],"svgs":[]}');
  report.frames = [];
  report.svgs = [];
  const framing = await browser.newContext({ viewport: { width: 800, height: 900 } });
  const host = await framing.newPage();
  for (const rel of travel.frames) {
    // The host page sits in the site's root, so the iframe loads from the same folder.
    const hostFile = join(dist, "__host.html");
    writeFileSync(hostFile, `<!DOCTYPE html><html lang="en"><title>host</title><div style="width: 320px"><iframe src="${rel}" title="chart" loading="lazy" style="width: 100%; aspect-ratio: 3 / 2; border: 0;"></iframe></div></html>`);
    await host.goto(pathToFileURL(hostFile).href);
    const frame = await (await host.waitForSelector("iframe")).contentFrame();
    await frame.waitForLoadState("load");
    const sizes = await frame.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      hasWide: document.querySelectorAll("svg.chart-wide").length > 0,
      narrowShown: [...document.querySelectorAll("svg.chart-narrow")].some((s) => getComputedStyle(s).display !== "none"),
      wideShown: [...document.querySelectorAll("svg.chart-wide")].some((s) => getComputedStyle(s).display !== "none"),
    }));
    report.frames.push({ page: rel, ...sizes });
    unlinkSync(hostFile);
  }
  for (const { svg, page: rel, index } of travel.svgs) {
    const texts = async (url, selector) => {
      await host.goto(url);
      return host.evaluate((sel) => [...document.querySelectorAll(sel)].map((t) => {
        const box = t.getBBox();
        return { text: t.textContent, drawn: box.width > 0 && box.height > 0 };
      }), selector);
    };
    const copy = await texts(pathToFileURL(join(dist, svg)).href, "svg[class] text");
    await host.goto(pathToFileURL(join(dist, rel)).href);
    const all = await host.evaluate((i) => {
      const svgs = [...document.querySelectorAll("svg.chart-wide")];
      return svgs[i] ? [...svgs[i].querySelectorAll("text")].map((t) => t.textContent) : null;
    }, index);
    report.svgs.push({ svg, copy, page: all });
  }
  await framing.close();
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
