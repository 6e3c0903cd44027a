// Small helpers that act as a person at the keyboard: type into the field a
// label names, choose the radio or box a label names, press a button.
import { totp } from "./totp.mjs";

export async function type(page, label, text, { exact = true } = {}) {
  const field = page.getByLabel(label, { exact });
  await field.fill("");
  await field.pressSequentially(String(text), { delay: 0 });
}

export async function choose(page, label, { exact = true } = {}) {
  await page.getByLabel(label, { exact }).check();
}

export async function press(page, name) {
  await Promise.all([
    page.waitForLoadState("load"),
    page.getByRole("button", { name, exact: true }).click(),
  ]);
  await page.waitForLoadState("load");
}

export async function follow(page, name, { exact = true } = {}) {
  await page.getByRole("link", { name, exact }).first().click();
  await page.waitForLoadState("load");
}

export async function heading(page) {
  return (await page.locator("h1").first().innerText()).trim();
}

export async function expectHeading(page, text) {
  const h = await heading(page);
  if (!h.includes(text)) {
    throw new Error(`expected the page heading to say "${text}", it says "${h}" (${page.url()})`);
  }
}

export async function expectText(page, text) {
  const body = await page.locator("body").innerText();
  if (!body.includes(text)) {
    throw new Error(`expected "${text}" on ${new URL(page.url()).pathname}; the page says:\n${body.slice(0, 1500)}`);
  }
}

export async function expectNoText(page, text) {
  const body = await page.locator("body").innerText();
  if (body.includes(text)) {
    throw new Error(`did not expect "${text}" on ${new URL(page.url()).pathname}`);
  }
}

export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** Wait for the next 30-second step if the current code has been used, so
 * that a code is never offered twice (the server refuses a replay). */
const usedSteps = new Map();
export async function freshCode(secret) {
  for (;;) {
    const step = Math.floor(Date.now() / 1000 / 30);
    if (usedSteps.get(secret) !== step) {
      usedSteps.set(secret, step);
      return totp(secret);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Sign in through the form (and the code page when asked for one). */
export async function signIn(person, user, { label = "sign-in" } = {}) {
  const page = person.page;
  await person.step(`${label}-page`, async () => {
    await page.goto(`${person.journey.origin}/sign-in`);
    await expectHeading(page, "Sign in to Kerbside");
  });
  await person.step(`${label}-submitted`, async () => {
    await type(page, "Username", user.username);
    await type(page, "Password", user.password);
    await press(page, "Sign in");
    if (user.secret && new URL(page.url()).pathname === "/sign-in/code") {
      await type(page, "6-digit code", await freshCode(user.secret));
      await press(page, "Continue");
    }
    if (new URL(page.url()).pathname.startsWith("/sign-in")) {
      throw new Error(`sign-in as ${user.username} refused: ${(await page.locator("main").innerText()).slice(0, 400)}`);
    }
  });
}

export async function signOut(person) {
  await person.step("signed-out", async () => {
    await press(person.page, "Sign out");
    await expectText(person.page, "You have signed out");
  });
}

/** Type a date into the Day / Month / Year boxes of the group with this legend. */
export async function typeDate(page, legend, date) {
  const [y, m, d] = date.split("-");
  const group = page.getByRole("group", { name: legend, exact: true });
  for (const [label, value] of [["Day", String(Number(d))], ["Month", String(Number(m))], ["Year", y]]) {
    const field = group.getByLabel(label, { exact: true });
    await field.fill("");
    await field.pressSequentially(value);
  }
}

/** Choose the radio labelled `option` in the group with this legend. */
export async function chooseIn(page, legend, option) {
  await page.getByRole("group", { name: legend, exact: true }).getByLabel(option, { exact: true }).check();
}

/** A date `days` from today in London, as YYYY-MM-DD. */
export function londonDate(days = 0) {
  const when = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(when);
}

/** Every link in the error summary moves focus to the field it names. */
export async function expectErrorLinksFocusFields(page) {
  const links = page.locator("[data-error-summary] a");
  const count = await links.count();
  expect(count > 0, "no error summary on the page");
  const title = await page.title();
  expect(title.startsWith("Error: "), `the page title should start "Error: ", it is "${title}"`);
  for (let i = 0; i < count; i += 1) {
    const link = links.nth(i);
    const text = (await link.innerText()).trim();
    await link.click();
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || !["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName)) return null;
      const label = el.labels && el.labels[0] ? el.labels[0].innerText.trim() : "";
      const group = el.closest("fieldset");
      return { id: el.id, label, group: group ? group.querySelector("legend")?.innerText.trim() : null };
    });
    const href = await link.getAttribute("href");
    const target = await page.evaluate((h) => {
      const el = document.getElementById(decodeURIComponent(h.slice(1)));
      return el ? `<${el.tagName.toLowerCase()} id="${el.id}">` : "nothing";
    }, href);
    expect(focused, `the error link "${text}" (${href}, pointing at ${target}) did not move focus to a field`);
  }
  return count;
}

/** The first administrator, made through the one-time set-up link the server
 * printed, signed in and with two-step verification set up from the key the
 * page shows. Leaves `admin.secret` set. */
export async function setUpFirstAdministrator(person, server, admin) {
  const page = person.page;
  await person.step("setup-link", async () => {
    expect(server.setupLink, "the server printed no one-time set-up link");
    await page.goto(server.setupLink);
    await expectHeading(page, "Create the first administrator");
  });
  await person.step("setup-created", async () => {
    await type(page, "Username", admin.username);
    await type(page, "Full name", admin.name);
    await type(page, "Password", admin.password);
    await press(page, "Create administrator");
  });
  await signIn(person, admin, { label: "admin-first-sign-in" });
  await setUpTwoStep(person, admin, "two-step-setup");
  return admin;
}

/** Set up two-step verification from the key the page shows, as a person
 * with an authenticator app would, and keep the ten recovery codes shown
 * once. Leaves `user.secret` and `user.recoveryCodes` set. */
export async function setUpTwoStep(person, user, label) {
  const page = person.page;
  await person.step(label, async () => {
    expect(new URL(page.url()).pathname === "/account/two-step", `not sent to set up two-step verification (${page.url()})`);
    await expectHeading(page, "Two-step verification");
    user.secret = (await page.locator("#totp-secret").innerText()).trim();
    expect(/^[A-Z2-7]{16,}$/.test(user.secret), `no set-up key on the page: '${user.secret}'`);
    await type(page, "6-digit code", await freshCode(user.secret));
    await press(page, "Turn on two-step verification");
    await expectText(page, "Two-step verification is on");
    await expectHeading(page, "Save your recovery codes");
    user.recoveryCodes = (await page.locator("ol.recovery-codes code").allInnerTexts()).map((c) => c.trim());
    expect(user.recoveryCodes.length === 10, `expected 10 recovery codes, found ${JSON.stringify(user.recoveryCodes)}`);
  });
}
