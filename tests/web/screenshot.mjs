// A screenshot of the on-call page for the docs, in Debian's chromium.
//   node tests/web/screenshot.mjs RULER_URL TOKEN OUT.png
import { chromium } from "playwright-core";

const [rulerUrl, token, out] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
await page.goto(rulerUrl + "/" + (token ? "#token=" + encodeURIComponent(token) : ""));
await page.waitForSelector("#app:not([hidden])");
await page.waitForSelector("#live.on");
await page.screenshot({ path: out, fullPage: true });
await browser.close();
console.log("wrote " + out);
