// Session expiry (WCAG 2.2.1): with a 2-minute idle timeout the warning
// appears a minute before the end, and "Stay signed in" keeps the session
// going past the moment it would otherwise have ended.
import { expect, expectHeading, setUpFirstAdministrator } from "../lib/forms.mjs";

export const name = "session expiry: the warning appears and 'Stay signed in' keeps the session";
export const env = { KERBSIDE_IDLE_TIMEOUT_MINUTES: "2" };

const IDLE_SECONDS = 120;

export async function run({ browser, server, journey, Person }) {
  const person = await Person.open(browser, journey, "admin");
  const page = person.page;
  const admin = { username: "s.idle", name: "Sam Idle", password: "granite meadow lantern puzzle" };
  await setUpFirstAdministrator(person, server, admin);

  let loadedAt;
  await person.step("account-page", async () => {
    await page.goto(`${journey.origin}/account`);
    loadedAt = Date.now();
    await expectHeading(page, "Your account");
    const dialog = page.getByRole("alertdialog", { name: "You will be signed out soon" });
    expect(!(await dialog.isVisible()), "the warning shows at once");
  });
  await person.step("warning-shown", async () => {
    const dialog = page.getByRole("alertdialog", { name: "You will be signed out soon" });
    await dialog.waitFor({ state: "visible", timeout: IDLE_SECONDS * 1000 });
    const after = (Date.now() - loadedAt) / 1000;
    expect(after >= 40 && after < IDLE_SECONDS, `the warning appeared after ${after.toFixed(0)} s of a ${IDLE_SECONDS} s timeout`);
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
    expect(focused === "Stay signed in", `focus is on "${focused}", not the button`);
  });
  await person.step("stayed-signed-in", async () => {
    const extended = page.waitForResponse((r) => new URL(r.url()).pathname === "/session/extend");
    await page.getByRole("button", { name: "Stay signed in" }).click();
    await extended;
    await page.getByRole("alertdialog").waitFor({ state: "hidden" });
    expect(new URL(page.url()).pathname === "/account", `left the page: ${page.url()}`);
  });
  await person.step("still-signed-in-after-the-old-end", async () => {
    // Wait until the session would have ended without the click.
    const wait = loadedAt + (IDLE_SECONDS + 8) * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await page.reload();
    expect(new URL(page.url()).pathname === "/account", `signed out despite "Stay signed in": now at ${page.url()}`);
    await expectHeading(page, "Your account");
  });
  await person.close();
}
