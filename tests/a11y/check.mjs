// Open a built HTML page in Debian's headless Chromium (never a downloaded browser), take a
// screenshot at each width, run axe-core's WCAG 2.0/2.1 A and AA rules, and print one JSON
// report on stdout for the Python test to judge.
//
//   node check.mjs PAGE.html SCREENSHOT_DIR [WIDTH ...]        (default widths: 1280 390)
//
// Environment: CHROMIUM (default /usr/bin/chromium).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const [page, shots, ...widthArgs] = process.argv.slice(2);
if (!page || !shots) {
  console.error("usage: node check.mjs PAGE.html SCREENSHOT_DIR [WIDTH ...]");
  process.exit(2);
}
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(`Chromium not found at ${chromium}: install Debian's 'chromium' package (apt-get install chromium)`);
  process.exit(3);
}
const widths = widthArgs.length ? widthArgs.map(Number) : [1280, 390];
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const profile = mkdtempSync(join(tmpdir(), "a11y-chromium-"));

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  userDataDir: profile,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         "--allow-file-access-from-files", `--user-data-dir=${profile}`],
});
const report = { url: pathToFileURL(resolve(page)).href, widths: {}, axe: null };
try {
  const tab = await browser.newPage();
  const failedRequests = [];
  tab.on("requestfailed", (r) => failedRequests.push(r.url()));
  for (const width of widths) {
    await tab.setViewport({ width, height: 900, deviceScaleFactor: 1 });
    await tab.goto(report.url, { waitUntil: "load" });
    const file = join(shots, `page-${width}.png`);
    await tab.screenshot({ path: file, fullPage: true });
    report.widths[width] = await tab.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      text: document.body.innerText,
      lang: document.documentElement.lang,
      title: document.title,
      images: [...document.images].map((img) => ({
        src: img.getAttribute("src"), alt: img.getAttribute("alt"),
        loaded: img.complete && img.naturalWidth > 0, width: img.getBoundingClientRect().width,
      })),
      maths: document.getElementsByTagNameNS("http://www.w3.org/1998/Math/MathML", "math").length,
      mathWidths: [...document.getElementsByTagNameNS("http://www.w3.org/1998/Math/MathML", "math")]
        .slice(0, 5).map((m) => m.getBoundingClientRect().width),
      headings: [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].map((h) => Number(h.tagName[1])),
      tables: [...document.querySelectorAll("table")].map((t) => t.querySelectorAll("th").length),
    }));
    report.widths[width].screenshot = file;
  }
  await tab.setViewport({ width: widths[0], height: 900, deviceScaleFactor: 1 });
  await tab.goto(report.url, { waitUntil: "load" });
  await tab.addScriptTag({ content: axeSource });
  report.axe = await tab.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      resultTypes: ["violations", "incomplete"],
    });
    const brief = (items) => items.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
    }));
    return { version: window.axe.version, violations: brief(result.violations),
             incomplete: brief(result.incomplete), passes: result.passes.length };
  });
  report.failedRequests = failedRequests;
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(report));
