// Runs axe-core on each kind of page of a built site in headless Chromium, in light and dark
// mode, checks that no page scrolls sideways at 360 px, and tries the search. Prints a JSON
// report.
//
//   node check.mjs DIST PAGE...   (PAGE: paths relative to DIST; every .html is checked for overflow)
import { chromium } from "playwright-core";
import { readdirSync, statSync } from "node:fs";
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
  // Search: typing narrows the list to the briefings that match, from the index in the page.
  const searching = await browser.newContext();
  const search = await searching.newPage();
  await search.goto(pathToFileURL(join(dist, "search.html")).href);
  const all = await search.locator("#search-results li").count();
  await search.fill("#search-query", process.env.SEARCH_TERM || "accounting change");
  const found = await search.locator("#search-results li").count();
  const firstHref = found ? await search.locator("#search-results li a").first().getAttribute("href") : null;
  report.search = { all, found, firstHref, status: await search.locator("#search-status").textContent() };
  await searching.close();
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
