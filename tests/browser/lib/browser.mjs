// Debian's Chromium, headless, driven by playwright-core; every page a journey
// visits is checked with axe at 1280 px and at 320 px wide.
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { mkdirSync, rmSync, renameSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";

const require = createRequire(import.meta.url);
const AXE_SOURCE = require("axe-core").source;
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 320, height: 800 };

export const SHOTS = resolve(import.meta.dirname, "..", "..", "..", "target", "browser");

export async function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

/** One person at one browser: a context (cookies of his own), a page, the
 * steps he has taken (each with a screenshot) and the axe checks run. */
export class Person {
  constructor(context, page, journey, who, javaScript) {
    this.context = context;
    this.page = page;
    this.journey = journey;
    this.who = who;
    this.javaScript = javaScript;
  }

  static async open(browser, journey, who, { javaScript = true } = {}) {
    const context = await browser.newContext({ javaScriptEnabled: javaScript, viewport: WIDE, locale: "en-GB", timezoneId: "Europe/London" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on("pageerror", (e) => journey.problems.push(`${who}: script error on ${page.url()}: ${e.message}`));
    return new Person(context, page, journey, who, javaScript);
  }

  /** Do something, then screenshot the page it leads to and check it with axe. */
  async step(label, action) {
    try {
      await action(this.page);
    } finally {
      await this.journey.shoot(this.page, `${this.who}-${label}`);
    }
    if (this.javaScript) {
      await this.journey.checkAccessibility(this.page, `${this.who}: ${label}`);
    } else {
      // axe needs scripts (and timers) to run, so a page seen without
      // JavaScript is checked as a copy: the same HTML at the same address,
      // in a page whose only difference is that axe may run there (our own
      // script stays blocked, so the DOM is the one the no-JS user has).
      const html = await this.page.content();
      const url = this.page.url();
      const copy = await this.journey.copyPage(this.context.browser());
      await copy.route(url, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
      await copy.goto(url);
      await copy.unroute(url);
      await this.journey.checkAccessibility(copy, `${this.who} (without JavaScript): ${label}`);
    }
  }

  async close() {
    await this.context.close();
  }
}

export class Journey {
  constructor(name) {
    this.name = name;
    this.dir = join(SHOTS, name.replace(/[^a-z0-9]+/gi, "-").toLowerCase());
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(`${this.dir}-FAILED`, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
    this.count = 0;
    this.problems = [];
    this.checked = 0;
  }

  /** A page for checking copies of pages seen without JavaScript. */
  async copyPage(browser) {
    if (!this.copy) {
      const context = await browser.newContext({ viewport: WIDE });
      await context.route("**/static/app.js", (route) => route.abort());
      this.copy = await context.newPage();
    }
    return this.copy;
  }

  async shoot(page, label) {
    this.count += 1;
    const file = join(this.dir, `${String(this.count).padStart(2, "0")}-${label.replace(/[^a-z0-9]+/gi, "-")}.png`);
    try {
      await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
    } catch {
      // A page that is navigating away cannot be photographed; the next step will be.
    }
  }

  /** Zero axe violations at 1280 px and at 320 px, and no sideways scrolling at 320 px. */
  async checkAccessibility(page, where) {
    const failures = [];
    for (const size of [WIDE, NARROW]) {
      await page.setViewportSize(size);
      const violations = await axeViolations(page);
      for (const v of violations) {
        const nodes = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ");
        failures.push(`${size.width} px: ${v.id} (${v.impact}): ${v.help} at ${nodes}`);
      }
      if (size === NARROW) {
        const overflow = await page.evaluate(() => {
          const view = document.documentElement.clientWidth;
          const culprits = [];
          for (const el of document.querySelectorAll("body *")) {
            const box = el.getBoundingClientRect();
            if (box.right > view + 1 && !el.closest("[data-overflow-checked]")) {
              const inner = [...el.children].some((c) => c.getBoundingClientRect().right > view + 1);
              if (!inner) culprits.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className ? "." + String(el.className).split(" ").join(".") : ""} (right edge ${Math.round(box.right)} px)`);
            }
          }
          return { scroll: document.documentElement.scrollWidth, view, culprits: culprits.slice(0, 5) };
        });
        if (overflow.scroll > overflow.view) {
          failures.push(`320 px: the page scrolls sideways (${overflow.scroll} px wide); widest: ${overflow.culprits.join(", ")}`);
        }
      }
    }
    await page.setViewportSize(WIDE);
    this.checked += 1;
    if (failures.length > 0) {
      throw new Error(`accessibility on ${where} (${new URL(page.url()).pathname}):\n  ${failures.join("\n  ")}`);
    }
  }

  /** Keep the screenshots of a failed journey; remove those of a passed one. */
  async finish(passed) {
    if (this.copy) await this.copy.context().close();
    if (passed) rmSync(this.dir, { recursive: true, force: true });
    else if (existsSync(this.dir)) renameSync(this.dir, `${this.dir}-FAILED`);
  }
}

async function axeViolations(page) {
  // Evaluated through the DevTools protocol, so the page's own
  // Content-Security-Policy (no inline scripts) is left as it is.
  const loaded = await page.evaluate(() => typeof window.axe !== "undefined");
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    AXE_TAGS,
  );
  return result.violations;
}
