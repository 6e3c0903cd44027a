// The administrator reads the audit log: the probation officer's views of the
// men, referrals and assessments are there as `consult` entries, and none of
// the assessment's content (the DASH answers, the concerns, the notes) is.
import { type, press, expect, expectHeading, expectNoText, signIn, signOut } from "../lib/forms.mjs";

export const name = "admin: the audit log lists the probation officer's consult entries and no case content";

export async function run({ browser, journey, Person, story }) {
  const admin = await Person.open(browser, journey, "admin");
  const page = admin.page;
  await signIn(admin, story.admin);
  await admin.step("audit-log", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log", exact: true }).click();
    await page.waitForLoadState("load");
    await expectHeading(page, "Audit log");
  });
  await admin.step("consult-entries-of-probation", async () => {
    await type(page, "Username", story.probation.username);
    await page.getByLabel("Action", { exact: true }).selectOption("consult");
    await press(page, "Apply filters");
    const rows = page.locator("table tbody tr");
    const n = await rows.count();
    expect(n >= 6, `expected the probation journeys' consult entries, found ${n} rows`);
    const records = new Set();
    for (let i = 0; i < n; i += 1) {
      const cells = await rows.nth(i).locator("td").allInnerTexts();
      expect(cells[1].includes(story.probation.name) || cells[1].includes(story.probation.username), `a row by someone else: ${cells}`);
      expect(cells[2].trim() === "consult", `a row that is not a consult: ${cells}`);
      records.add(cells[3].split(" ")[0]);
    }
    for (const kind of ["referral", "assessment"]) {
      expect(records.has(kind), `no consult entry for a ${kind}; record types seen: ${[...records]}`);
    }
  });
  await admin.step("no-case-content-in-the-log", async () => {
    await page.getByLabel("Action", { exact: true }).selectOption("");
    await press(page, "Apply filters");
    for (const secret of ["One call-out to the family home", "Sees paying for sex as harmless", "Motivated, no contact issues"]) {
      await expectNoText(page, secret);
    }
  });
  await signOut(admin);
  await admin.close();
}
