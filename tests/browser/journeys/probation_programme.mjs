// Probation sets a programme running and enrols a man on it, all through the
// pages: creates the programme, sets up a cohort with the facilitator, enrols
// the cautioned man (found suitable earlier) from his Programme tab, marks
// his absence on the register, decides on the prosecution prompt, and moves
// a later session.
import { type, typeDate, press, follow, expect, expectHeading, expectText, expectNoText, londonDate, signIn } from "../lib/forms.mjs";

export const name = "probation: programme and cohort set up, the cautioned man enrolled, his absence decided";

export async function run({ browser, journey, Person, story }) {
  const officer = await Person.open(browser, journey, "probation-programme");
  const page = officer.page;
  const man = story.cautionedMan;
  const listed = `${man.surname.toUpperCase()}, ${man.forenames}`;
  await signIn(officer, story.probation);

  await officer.step("programme-form", async () => {
    await follow(page, "Cohorts");
    await follow(page, "create a programme");
    await expectHeading(page, "Create a programme");
    await type(page, "Name", "Daytime awareness");
    await type(page, "Largest group", "10");
    for (const [i, title] of ["Consequences", "Exploitation", "Families"].entries()) {
      await page.locator(`#s-${i}-title`).fill(title);
      await page.locator(`#s-${i}-minutes`).fill(i === 1 ? "ninety" : "90");
    }
    await type(page, "Aims", "Understand the harm done to women in street sex work");
    await page.getByLabel("attended at least a number of sessions").check();
    await type(page, "How many sessions", "2");
    await press(page, "Create the programme");
    await expectText(page, "There is a problem");
    expect((await page.locator("#s-1-minutes").inputValue()) === "ninety", "what was typed is kept");
  });
  await officer.step("programme-created", async () => {
    await page.locator("#s-1-minutes").fill("90");
    await press(page, "Create the programme");
    await expectHeading(page, "Set up a cohort");
    await expectText(page, "Programme Daytime awareness created");
  });
  await officer.step("cohort-set-up", async () => {
    await type(page, "Cohort code", "DAY-1");
    await type(page, "Venue", "Town hall annexe");
    await type(page, "Places", "8");
    await page.getByLabel("Funmi Adeyemi (f.adeyemi)").check();
    await typeDate(page, "Date of the first session", londonDate(0));
    await type(page, "Start time", "09:30");
    await press(page, "Set up the cohort");
    await expectHeading(page, "Cohort DAY-1");
    await expectText(page, "Cohort DAY-1 set up with 3 sessions");
  });
  const cohortPage = page.url();

  await officer.step("programme-tab", async () => {
    await follow(page, "People");
    await type(page, "Name, reference, PNC ID or vehicle registration", `${man.forenames} ${man.surname}`);
    await press(page, "Search");
    await follow(page, listed);
    await follow(page, "Programme");
    await expectHeading(page, "Programme");
    await expectText(page, "He has not been enrolled on a programme.");
  });
  await officer.step("enrolled", async () => {
    const cohort = page.getByLabel("Cohort", { exact: true });
    const option = await cohort.locator("option", { hasText: "DAY-1" }).getAttribute("value");
    await cohort.selectOption(option);
    const referral = page.getByLabel("The referral he comes from");
    const first = await referral.locator("option").nth(1).getAttribute("value");
    await referral.selectOption(first);
    await page.getByLabel("Legal basis of his attendance").selectOption("conditional_caution");
    await typeDate(page, "Deadline (conditional caution only)", londonDate(40));
    await press(page, "Enrol");
    await expectText(page, "Awaiting start: enrolment recorded.");
    await expectText(page, listed);
  });
  const enrolmentPage = page.url();

  await officer.step("absence-marked", async () => {
    await page.goto(cohortPage);
    await follow(page, "Consequences");
    await expectHeading(page, "Session 1: Consequences");
    const row = page.locator(".register-row", { hasText: listed });
    await row.getByLabel("Unacceptable absence", { exact: true }).check();
    await press(page, "Save the register");
    await expectText(page, "Register saved: 1 marks recorded");
  });
  await officer.step("prosecution-prompt", async () => {
    await page.goto(enrolmentPage);
    await expectText(page, "Prosecution referral required: 0 days since the failure");
    await page.getByLabel("No further action", { exact: true }).check();
    await type(page, "What was decided and why", "He was in hospital; discharge letter seen");
    await press(page, "Record the decision");
    await expectText(page, "Decision recorded");
    await expectNoText(page, "a decision is needed");
  });
  await officer.step("aim-rated", async () => {
    const aim = page.getByRole("group", { name: "Understand the harm done to women in street sex work" });
    await aim.getByLabel("Partially achieved", { exact: true }).check();
    await type(page, "Facilitator's comment", "Talks about the women's safety; still minimises");
    await press(page, "Save the ratings");
    await expectText(page, "Aims rated: 1 changed");
  });
  await officer.step("progress-report-printable", async () => {
    await follow(page, "Read or print the progress report");
    await expectText(page, "1. Participant and programme");
    await expectText(page, "Partially achieved");
    await follow(page, "Back");
  });
  await officer.step("progress-report-downloaded", async () => {
    await type(page, "Progress report for (optional)", "Suffolk Constabulary");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download the progress report (PDF)" }).click(),
    ]);
    const file = download.suggestedFilename();
    expect(/^progress-report-PR-\d{5}-\d{8}\.pdf$/.test(file), `the file is named by the report's reference: ${file}`);
    expect(!file.toLowerCase().includes(man.surname.toLowerCase()), "the man's name is not in the file name");
  });
  await officer.step("session-moved", async () => {
    await page.goto(cohortPage);
    await page.getByLabel("Move a session to another time (the old one is kept, marked superseded)").check();
    const session = page.getByLabel("Session (to cancel or move)");
    const second = await session.locator("option", { hasText: "Exploitation" }).getAttribute("value");
    await session.selectOption(second);
    await typeDate(page, "New date (to move, or for the catch-up)", londonDate(9));
    await type(page, "Start time", "10:00");
    await type(page, "Reason (to cancel or move)", "Town hall closed for elections");
    await press(page, "Change the schedule");
    await expectText(page, "Superseded: Town hall closed for elections");
  });
  await officer.close();
}
