// Data protection: two men arrested eight years ago come up for retention
// review. The probation officer retains one with a reason (after a mistake
// that keeps what was typed) and disposes of the other; downloads a subject
// access export from a man's record; the administrator finds a man by his
// reference for a subject access request and shortens the idle timeout on
// the settings page; anyone can read the privacy notice and the
// accessibility statement from the footer.
import {
  type, chooseIn, typeDate, press, follow, expect, expectHeading, expectText, expectNoText,
  expectErrorLinksFocusFields, londonDate, signIn, signOut,
} from "../lib/forms.mjs";

export const name = "data protection: retention review, disposal, subject access, settings, privacy notice";

const EIGHT_YEARS_AGO = londonDate(-8 * 365);

async function recordOldArrest(officer, surname, forenames, dateOfBirth) {
  const page = officer.page;
  await officer.step(`old-arrest-${surname.toLowerCase()}`, async () => {
    await page.goto(`${officer.journey.origin}/`);
    await follow(page, "Record an arrest");
    await type(page, "Surname", surname);
    await type(page, "Forenames", forenames);
    await typeDate(page, "Date of birth", dateOfBirth);
    await press(page, "Search");
    await press(page, "None of these: create a new person");
    await chooseIn(page, "Sex", "Male");
    await typeDate(page, "Date of the arrest", EIGHT_YEARS_AGO);
    await type(page, "Time of the arrest", "22:30");
    await type(page, "Street or place", "Handford Road");
    await page.getByLabel("Area", { exact: true }).selectOption("West");
    await chooseIn(page, "Offence", "Soliciting (Sexual Offences Act 2003 s.51A)");
    await chooseIn(page, "Disposal", "Community resolution");
    await press(page, "Record arrest");
    await expectText(page, `${forenames} ${surname}`);
  });
}

async function findPerson(page, text) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People", exact: true }).click();
  await page.waitForLoadState("load");
  await type(page, "Name, reference, PNC ID or vehicle registration", text);
  await press(page, "Search");
}

async function download(page, name) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name, exact: true }).click()]);
  return file;
}

export async function run({ browser, journey, Person, story }) {
  const police = await Person.open(browser, journey, "police");
  await signIn(police, story.police);
  await recordOldArrest(police, "Hartley", "Dale", "1969-04-12");
  await recordOldArrest(police, "Okafor", "Emeka", "1972-09-30");
  await signOut(police);
  await police.close();

  const officer = await Person.open(browser, journey, "probation");
  const page = officer.page;
  await signIn(officer, story.probation);
  await officer.step("review-list", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Retention", exact: true }).click();
    await page.waitForLoadState("load");
    await expectHeading(page, "Records due for retention review");
    await expectText(page, "HARTLEY, Dale");
    await expectText(page, "OKAFOR, Emeka");
  });
  let reference = "";
  await officer.step("retain-with-a-mistake", async () => {
    await follow(page, "HARTLEY, Dale");
    await expectHeading(page, "Retention review");
    await expectText(page, "(due now)");
    reference = (await page.locator(".identity-bar__facts dd").first().innerText()).trim();
    await typeDate(page, "Date of the next review", londonDate(365 * 9));
    await press(page, "Retain until the next review");
    await expectErrorLinksFocusFields(page);
    await expectText(page, "Say why the record is still needed");
    await expectText(page, "within 6 years");
  });
  await officer.step("retained", async () => {
    await type(page, "Why is the record still needed?", "Named in a live MARAC case");
    await typeDate(page, "Date of the next review", londonDate(365));
    await press(page, "Retain until the next review");
    await expectText(page, "Record retained until its next review");
    await expectNoText(page, "HARTLEY, Dale");
  });
  await officer.step("dispose-unticked", async () => {
    await follow(page, "OKAFOR, Emeka");
    await press(page, "Dispose of the record");
    await expectText(page, "Tick the box to confirm");
    await expectErrorLinksFocusFields(page);
  });
  await officer.step("disposed", async () => {
    await page.getByLabel("I have reviewed this record and it is no longer needed", { exact: true }).check();
    await press(page, "Dispose of the record");
    await expectText(page, "Record disposed of");
    await expectNoText(page, "OKAFOR, Emeka");
  });
  await officer.step("disposed-man-not-found", async () => {
    await findPerson(page, "Emeka Okafor");
    await expectText(page, "No one");
    await expectNoText(page, "OKAFOR");
  });
  await officer.step("subject-access-from-the-record", async () => {
    await findPerson(page, `${story.cautionedMan.forenames} ${story.cautionedMan.surname}`);
    await page.locator("table tbody tr").first().getByRole("link").first().click();
    await page.waitForLoadState("load");
    await page.getByRole("navigation", { name: "Sections of this record" }).getByRole("link", { name: "Subject access" }).click();
    await page.waitForLoadState("load");
    await expectHeading(page, "Subject access");
    await type(page, "Who is it for?", "His solicitor");
    await chooseIn(page, "Format", "PDF, to read or print");
    const file = await download(page, "Download");
    const named = file.suggestedFilename();
    expect(/^subject-access-SAR-\d{5}-\d{8}\.pdf$/.test(named), `the export is named ${named}`);
    expect(!named.toLowerCase().includes("wi"), "the file name carries no name");
  });
  await signOut(officer);
  await officer.close();

  const admin = await Person.open(browser, journey, "admin");
  const adminPage = admin.page;
  await signIn(admin, story.admin);
  await admin.step("subject-access-wrong-reference", async () => {
    await adminPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Subject access", exact: true }).click();
    await adminPage.waitForLoadState("load");
    const last = reference.slice(-1);
    await type(adminPage, "His reference", `${reference.slice(0, -1)}${last === "X" ? "Y" : "X"}`);
    await press(adminPage, "Find his record");
    await expectErrorLinksFocusFields(adminPage);
  });
  await admin.step("subject-access-json", async () => {
    await type(adminPage, "His reference", reference.toLowerCase());
    await press(adminPage, "Find his record");
    await expectText(adminPage, "HARTLEY, Dale");
    await chooseIn(adminPage, "Format", "JSON, for another system");
    const file = await download(adminPage, "Download");
    const body = JSON.parse(await (await import("node:fs/promises")).readFile(await file.path(), "utf8"));
    expect(body.person.surname === "Hartley", `the export is about ${body.person?.surname}`);
    expect(body.retention_decisions.length === 1 && body.retention_decisions[0].rationale === "Named in a live MARAC case",
      "the export holds the retention decision");
  });
  await admin.step("settings-mistake", async () => {
    await adminPage.goto(`${journey.origin}/admin/settings`);
    await type(adminPage, "Sign out after minutes without use", "0");
    await press(adminPage, "Save rules");
    await expectErrorLinksFocusFields(adminPage);
    expect(await adminPage.getByLabel("Sign out after minutes without use", { exact: true }).inputValue() === "0",
      "what was typed stays");
  });
  await admin.step("settings-saved", async () => {
    await type(adminPage, "Sign out after minutes without use", "45");
    await press(adminPage, "Save rules");
    await expectText(adminPage, "Rules saved");
    expect(await adminPage.getByLabel("Sign out after minutes without use", { exact: true }).inputValue() === "45",
      "the saved value shows");
  });
  await admin.step("privacy-notice", async () => {
    await adminPage.getByRole("contentinfo").getByRole("link", { name: "Privacy notice" }).click();
    await adminPage.waitForLoadState("load");
    await expectHeading(adminPage, "Privacy notice");
    await expectText(adminPage, "reviewed 6 years after");
  });
  await admin.step("accessibility-statement", async () => {
    await adminPage.getByRole("contentinfo").getByRole("link", { name: "Accessibility statement" }).click();
    await adminPage.waitForLoadState("load");
    await expectHeading(adminPage, "Accessibility statement");
  });
  await signOut(admin);
  await admin.close();
}
