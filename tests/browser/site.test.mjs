// The website in a real browser: Debian's chromium driven by playwright-core, checked by
// axe-core (WCAG 2.1 A and AA). Starts the real binary on the demo data in a temporary data
// directory. Run: `npm test` here, after `cargo build` (or set WEGWIJZER_BIN).
//
// Screenshots land in artifacts/ (not committed); docs/screenshots holds a few of them.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";

const here = dirname(fileURLToPath(import.meta.url));
const binary = process.env.WEGWIJZER_BIN || join(here, "..", "..", "target", "debug", "wegwijzer");
const artifacts = join(here, "artifacts");
mkdirSync(artifacts, { recursive: true });

let server;
let dataDir;
let base;
let browser;
const axeStates = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitUntilUp(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) { return; }
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "wegwijzer-browser-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(binary, ["--data-dir", dataDir, "--bind", `127.0.0.1:${port}`, "serve", "--demo"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, WEGWIJZER_LOG: "warn" },
  });
  await waitUntilUp(`${base}/api/v1/health`, 60_000);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  await new Promise((r) => server ? server.on("exit", r) : r());
  if (dataDir) { rmSync(dataDir, { recursive: true, force: true }); }
  console.log(`axe: 0 violations on ${axeStates.length} page states: ${axeStates.join(", ")}`);
});

/** Fails with the list of violations, WCAG 2.1 A and AA. */
async function expectAccessible(page, name) {
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`);
  assert.deepEqual(found, [], `axe on ${name}`);
  axeStates.push(name);
}

async function newPage(options = {}) {
  const context = await browser.newContext({ locale: "nl-NL", ...options });
  const page = await context.newPage();
  return { context, page };
}

async function shoot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

test("a resident searches with a typo, narrows by wijk and age, reads an item and reports a mistake", { timeout: 90_000 }, async () => {
  const { context, page } = await newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${base}/`);
  await expectAccessible(page, "home");
  await shoot(page, "home-desktop");

  await page.getByLabel("Waar zoekt u naar?").fill("schuldn");
  await page.getByRole("button", { name: "Zoeken", exact: true }).click();
  await page.waitForURL(/\/zoeken\?q=schuldn/);
  await assert.doesNotReject(page.getByText("Bedoelde u").waitFor());
  await expectAccessible(page, "results with a typo");

  // With JavaScript a ticked box applies at once.
  await Promise.all([page.waitForURL(/wijk=hamersveld/), page.getByLabel(/^Hamersveld/).check()]);
  await Promise.all([page.waitForURL(/leeftijdsgroep=ouderen/), page.getByLabel(/^Ouderen/).check()]);
  assert.ok(await page.getByRole("link", { name: /Filter weghalen: Hamersveld/ }).isVisible());
  await expectAccessible(page, "results narrowed by wijk and age");
  await shoot(page, "results-desktop");

  await page.locator(".results .card h3 a").first().click();
  await page.waitForURL(/\/aanbod\/\d+-/);
  await expectAccessible(page, "item detail");
  await shoot(page, "detail-desktop");

  // "Iets anders" without an explanation: the message sits next to the field.
  await page.getByRole("radio", { name: "Iets anders" }).check();
  await page.getByLabel(/^Uw e-mailadres/).fill("geen-adres");
  await page.getByRole("button", { name: "Melding versturen" }).click();
  await assert.doesNotReject(page.locator("#toelichting-fout").waitFor());
  assert.equal(await page.getByLabel(/^Uw e-mailadres/).inputValue(), "geen-adres");
  await expectAccessible(page, "report form with errors");

  await page.getByLabel("De dagen of tijden kloppen niet").check();
  await page.getByLabel(/^Uitleg/).fill("Op vrijdag is het gesloten.");
  await page.getByLabel(/^Uw e-mailadres/).fill("");
  await page.getByRole("button", { name: "Melding versturen" }).click();
  await assert.doesNotReject(page.getByText("Dank u wel").waitFor());
  await expectAccessible(page, "report sent");
  await context.close();
});

test("the same search works with JavaScript off", { timeout: 90_000 }, async () => {
  const { context, page } = await newPage({ javaScriptEnabled: false });
  await page.goto(`${base}/zoeken?q=schuldn`);
  await page.getByLabel(/^Hamersveld/).check();
  await page.getByRole("button", { name: "Filters toepassen" }).click();
  await page.waitForURL(/wijk=hamersveld/);
  assert.match(page.url(), /q=schuldn/);
  const count = await page.locator(".results .card").count();
  assert.ok(count > 0, "results without JavaScript");
  // (axe needs JavaScript in the page; the same page with JavaScript is checked above.)
  await context.close();
});

test("keyboard only: skip link, search, open a result", { timeout: 90_000 }, async () => {
  const { context, page } = await newPage();
  await page.goto(`${base}/`);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Naar de inhoud");
  await page.keyboard.press("Enter");
  assert.match(page.url(), /#inhoud$/);
  await page.locator("#q").focus();
  await page.keyboard.type("eenzaam");
  await Promise.all([page.waitForURL(/zoeken\?q=eenzaam/), page.keyboard.press("Enter")]);
  // Tab forward until a result link has focus, then follow it with Enter.
  for (let i = 0; i < 200; i += 1) {
    await page.keyboard.press("Tab");
    const inResults = await page.evaluate(() => !!document.activeElement.closest(".results"));
    if (inResults) { break; }
  }
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none", "focus is visible");
  await Promise.all([page.waitForURL(/\/aanbod\/\d+-/), page.keyboard.press("Enter")]);
  await context.close();
});

test("320 px wide without horizontal scrolling, and the vacancy bank", { timeout: 90_000 }, async () => {
  const { context, page } = await newPage({ viewport: { width: 320, height: 700 } });
  for (const [path, name] of [["/", "home"], ["/zoeken?q=vrijwilligers&soort=vacature", "results"], ["/vrijwilligerswerk", "vacancies"]]) {
    await page.goto(`${base}${path}`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 320, `${path} is ${wide}px wide`);
    await shoot(page, `${name}-phone`);
  }
  await expectAccessible(page, "vacancy bank (phone)");
  await page.getByLabel(/^Koken/).check();
  await page.getByRole("button", { name: "Toon vrijwilligerswerk" }).click();
  await page.waitForURL(/soort=vacature/);
  assert.match(page.url(), /talent=koken/);
  await expectAccessible(page, "vacancies for a talent (phone)");
  await page.locator(".results .card h3 a").first().click();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 320, `detail is ${wide}px wide`);
  await shoot(page, "detail-phone");
  await context.close();
});

test("organisation, empty results and missing pages are accessible too", { timeout: 90_000 }, async () => {
  const { context, page } = await newPage();
  await page.goto(`${base}/zoeken?q=xyzzyqwv`);
  await assert.doesNotReject(page.getByText("We hebben niets gevonden").waitFor());
  await expectAccessible(page, "no results");
  await page.goto(`${base}/zoeken?thema=bestaat-niet`);
  await expectAccessible(page, "search error");
  await page.goto(`${base}/bestaat-niet`);
  await expectAccessible(page, "page not found");
  await page.goto(`${base}/zoeken?q=voedselbank`);
  await page.locator(".results .card h3 a").first().click();
  await page.getByRole("link", { name: "Meer van deze organisatie" }).click();
  await page.waitForURL(/\/organisaties\/\d+-/);
  await expectAccessible(page, "organisation");
  await page.emulateMedia({ media: "print" });
  await page.goto(`${base}/zoeken?q=voedselbank`);
  assert.equal(await page.locator(".filters").isVisible(), false, "print hides the filters");
  await context.close();
  assert.ok(axeStates.length >= 10, `axe ran on ${axeStates.length} states`);
});
