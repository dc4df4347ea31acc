// Drives the ruler's on-call page in Debian's chromium: it loads with no console errors, an
// alert fired by a rule appears without a reload, acknowledging it in the page works, a tracked
// error posted meanwhile shows up live and can be resolved there, and a viewer sees no buttons. Prints one JSON line with what it saw; exits 1 on any failure.
//
//   node page_test.mjs RULER_URL OPERATOR_TOKEN VIEWER_TOKEN CONTROL_URL [SCREENSHOT.png]
import { chromium } from "playwright-core";

const [rulerUrl, operatorToken, viewerToken, controlUrl, screenshot] = process.argv.slice(2);
const problems = [];

async function open(browser, token) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") problems.push("console: " + m.text()); });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  await page.goto(rulerUrl + "/#token=" + encodeURIComponent(token));
  await page.waitForSelector("#app:not([hidden])");
  await page.waitForSelector("#live.on");  // the event stream is open
  return page;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const result = {};
try {
  const page = await open(browser, operatorToken);
  result.before = await page.locator('.alert[data-name="SwitchedOn"]').count();
  // The condition becomes true now; the alert must come in through the event stream.
  const flip = await fetch(controlUrl, { method: "POST" });
  if (!flip.ok) throw new Error("control endpoint answered " + flip.status);
  const alert = page.locator('.alert[data-name="SwitchedOn"]');
  await alert.waitFor({ timeout: 30000 });
  result.alertId = await alert.getAttribute("data-id");
  await alert.locator('button[data-action="acknowledge"]').click();
  await page.locator('.alert[data-name="SwitchedOn"][data-state="acknowledged"]').waitFor({ timeout: 10000 });
  result.acknowledgedText = await alert.locator(".meta").innerText();
  const posted = await fetch(rulerUrl + "/monitoring/errors", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: "Bearer " + operatorToken },
    body: JSON.stringify({ message: "cart 17 is empty", type: "TypeError", service: "shop",
      fingerprint: ["page", "test", "error"], context: { userId: "user-7" } }),
  });
  if (posted.status !== 202) throw new Error("POST /monitoring/errors answered " + posted.status);
  const error = page.locator('#errors li[data-fingerprint="page:test:error"]');
  await error.waitFor({ timeout: 10000 });
  result.errorText = await error.innerText();
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  await error.locator('button[data-action="resolve-error"]').click();
  await error.waitFor({ state: "detached", timeout: 10000 });
  result.errorResolved = true;

  const viewer = await open(browser, viewerToken);
  await viewer.locator('.alert[data-name="SwitchedOn"]').waitFor({ timeout: 10000 });
  result.viewerButtons = await viewer.locator("button[data-action]").count();
  result.viewerSees = await viewer.locator("#who").innerText();
} catch (e) {
  problems.push(String(e));
} finally {
  await browser.close();
}
result.problems = problems;
console.log(JSON.stringify(result));
process.exit(problems.length === 0 ? 0 : 1);
