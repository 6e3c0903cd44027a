// Probation writes a court report for the charged man, the way an officer
// with a court deadline would: starts it from his record (the court and
// hearing the police recorded are filled in), makes a mistake and keeps what
// was typed, lets the draft save itself, reads the whole report stamped
// DRAFT, submits it, downloads the PDF for the court, and starts a
// correction.
import { type, typeDate, press, follow, expect, expectHeading, expectText, expectErrorLinksFocusFields, londonDate, signIn } from "../lib/forms.mjs";

export const name = "probation: a court report written, saved as a draft, submitted and downloaded for the court";

export async function run({ browser, journey, Person, story }) {
  const officer = await Person.open(browser, journey, "probation-court-report");
  const page = officer.page;
  const man = story.chargedMan;
  const listed = `${man.surname.toUpperCase()}, ${man.forenames}`;
  await signIn(officer, story.probation);

  await officer.step("court-reports-tab", async () => {
    await follow(page, "People");
    await type(page, "Name, reference, PNC ID or vehicle registration", `${man.forenames} ${man.surname}`);
    await press(page, "Search");
    await follow(page, listed);
    await follow(page, "Court reports");
    await expectHeading(page, "Court reports");
    await expectText(page, "No court report has been written for him.");
    const court = await page.getByLabel("Court", { exact: true }).inputValue();
    expect(court === "Ipswich Magistrates' Court", `the court the police recorded is filled in: ${court}`);
  });
  await officer.step("draft-started", async () => {
    await press(page, "Start the report");
    await expectHeading(page, "Write the court report");
    await expectText(page, "started");
  });
  const analysis = "He accepts he stopped twice on London Road to speak to a woman.";
  await officer.step("mistake-kept", async () => {
    await type(page, "3. Offence analysis", analysis);
    const group = page.getByRole("group", { name: "Date of the hearing", exact: true });
    await group.getByLabel("Day", { exact: true }).fill("31");
    await group.getByLabel("Month", { exact: true }).fill("2");
    await press(page, "Save draft");
    await expectText(page, "There is a problem");
    expect((await page.getByLabel("3. Offence analysis").inputValue()) === analysis, "what was typed is kept");
    await expectErrorLinksFocusFields(page);
  });
  await officer.step("saved-by-itself", async () => {
    await typeDate(page, "Date of the hearing", londonDate(21));
    await type(page, "4. Assessment of the defendant", "Lives with his partner and two children; works nights at the docks.");
    await page.locator("[data-autosave-status]", { hasText: "Draft saved automatically" }).waitFor({ timeout: 10_000 });
  });
  await officer.step("draft-read", async () => {
    await press(page, "Save and see the report");
    await expectText(page, "DRAFT");
    await expectText(page, "1. Defendant details");
    await expectText(page, analysis);
    await expectText(page, "Lives with his partner");
    await expectText(page, "[Not yet written]");
    await expectText(page, "OGRS3 (2009 calibration)");
    await follow(page, "Carry on writing");
  });
  await officer.step("submit-confirm", async () => {
    await type(page, "5. Risk commentary", "One call-out to the family home last year; nothing since.");
    await type(page, "7. Sentencing proposal", "A community order with a rehabilitation activity requirement to complete the awareness programme.");
    await page.locator("[data-autosave-status]", { hasText: "Draft saved automatically" }).waitFor({ timeout: 10_000 });
    await press(page, "Save and submit");
    await expectHeading(page, "Submit the court report");
    await expectText(page, "Once submitted, the report is locked");
  });
  await officer.step("submitted", async () => {
    await press(page, "Submit the report");
    await expectText(page, "submitted: it is now locked");
    await expectText(page, "Status: Submitted");
    await expectText(page, "A community order with a rehabilitation activity requirement");
  });
  await officer.step("downloaded-for-court", async () => {
    await type(page, "Who is the PDF for? (optional)", "Ipswich Magistrates' Court");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download as PDF" }).click(),
    ]);
    const file = download.suggestedFilename();
    expect(/^court-report-CR-\d{5}-v1\.pdf$/.test(file), `the file is named by the report's reference: ${file}`);
    expect(!file.toLowerCase().includes(man.surname.toLowerCase()), "the man's name is not in the file name");
  });
  await officer.step("correction-started", async () => {
    await press(page, "Start a correction");
    await expectHeading(page, "Write the court report");
    await expectText(page, "This is a correction");
    expect((await page.getByLabel("3. Offence analysis").inputValue()) === analysis, "the correction starts from the submitted text");
  });
  await officer.close();
}
