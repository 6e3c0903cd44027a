// The probation officer's path from the referral queue to a completed, locked
// assessment: used twice, with JavaScript on and with it off.
import {
  type, chooseIn, typeDate, press, follow, expect, expectHeading, expectText, expectNoText,
  londonDate, signIn, signOut,
} from "../lib/forms.mjs";

const DASH_QUESTIONS = 24;

export async function assessFromReferral({ browser, journey, Person, story, javaScript, man, sanction }) {
  const officer = await Person.open(browser, journey, javaScript ? "probation" : "probation-no-js", { javaScript });
  const page = officer.page;
  await signIn(officer, story.probation);

  await officer.step("referral-queue", async () => {
    await follow(page, "Referrals");
    await expectHeading(page, "Referral queue");
    await expectText(page, `${man.surname.toUpperCase()}, ${man.forenames}`);
  });
  await officer.step("referral", async () => {
    await follow(page, `${man.surname.toUpperCase()}, ${man.forenames}`);
    await expectText(page, "Made by the disposal:");
  });
  await officer.step("assigned-to-self", async () => {
    const chosen = await page.getByLabel("Probation officer", { exact: true }).locator("option:checked").innerText();
    expect(chosen.includes(story.probation.name), `the assignment list does not start on the officer himself: ${chosen}`);
    await press(page, "Assign");
    await expectText(page, "Referral assigned");
    await expectText(page, `Allocated – ${story.probation.name}`);
  });
  await officer.step("assessment-started", async () => {
    await press(page, "Start the assessment");
    await expectHeading(page, "Risk assessment");
    const tags = await page.locator(".task-list .tag").allInnerTexts();
    // OGRS3 starts prefilled from the arrest; the rest are empty.
    expect(tags.join() === "In progress,Not started,Not started,Not started,Not started", `a new assessment's sections: ${tags}`);
  });
  const taskList = page.url();

  await officer.step("ogrs3-prefilled", async () => {
    await follow(page, "Likelihood of reoffending (OGRS3)");
    await expectHeading(page, "OGRS3");
    const sex = page.getByRole("group", { name: "Sex", exact: true }).getByLabel("Male", { exact: true });
    expect(await sex.isChecked(), "OGRS3's sex is not prefilled from the person");
    const dob = page.getByRole("group", { name: "Date of birth", exact: true });
    const year = await dob.getByLabel("Year").inputValue();
    expect(year === man.dateOfBirth.slice(0, 4), `OGRS3's date of birth is not prefilled (year '${year}')`);
    const category = await page.getByLabel("Offence category").locator("option:checked").innerText();
    expect(/soliciting/i.test(category), `the offence category is not prefilled from the arrest: ${category}`);
    const current = page.getByRole("group", { name: "Current sanction", exact: true }).getByLabel(sanction, { exact: true });
    expect(await current.isChecked(), `the current sanction is not prefilled as ${sanction}`);
    expect((await page.getByLabel("Total sanctions, including this one").inputValue()) === "1", "the sanctions count is not prefilled");
  });
  await officer.step("ogrs3-calculated", async () => {
    await typeDate(page, "Start of the follow-up period", londonDate(0));
    await chooseIn(page, "Which date is that?", "The sentence date (community sentence)");
    await press(page, "Save and calculate");
    await expectText(page, "in one year");
  });

  await officer.step("rosh", async () => {
    await page.goto(taskList);
    await follow(page, "Risk of serious harm");
    for (const [group, level] of [["public", "Low"], ["known adult", "Medium"], ["children", "Low"], ["staff", "Low"]]) {
      await page.getByRole("group", { name: new RegExp(`^Risk to ${group}`) }).getByLabel(level, { exact: true }).check();
    }
    await press(page, "Save");
  });

  await officer.step("domestic-abuse", async () => {
    await page.goto(taskList);
    await follow(page, "Domestic-abuse screen");
    await chooseIn(page, "Is he known to MARAC?", "No");
    await type(page, "Police domestic-abuse call-outs to his address", "1");
    await type(page, "Domestic-abuse concerns, in words fit for a court report", "One call-out to the family home last year; no further incidents known.");
    await chooseIn(page, "Was a DASH checklist completed?", "Yes");
    const sets = page.getByRole("group", { name: /^\d+\. / });
    expect(await sets.count() === DASH_QUESTIONS, `the DASH checklist shows ${await sets.count()} questions`);
    for (let i = 0; i < DASH_QUESTIONS; i += 1) {
      await sets.nth(i).getByLabel(i % 5 === 0 ? "Yes" : "No", { exact: true }).check();
    }
    await type(page, "Incidents in the last 12 months", "1");
    await press(page, "Save");
  });

  await officer.step("needs", async () => {
    await page.goto(taskList);
    await follow(page, "Needs");
    const sets = page.getByRole("group");
    const n = await sets.count();
    let chosen = 0;
    for (let i = 0; i < n; i += 1) {
      const option = sets.nth(i).getByLabel("Some need", { exact: true });
      if (await option.count()) {
        await option.check();
        chosen += 1;
      }
    }
    expect(chosen === 7, `expected 7 need areas, found ${chosen}`);
    await type(page, "Note on attitudes to paying for sex (optional)", "Sees paying for sex as harmless; open to discussing it.");
    await press(page, "Save");
  });

  await officer.step("suitability", async () => {
    await page.goto(taskList);
    await follow(page, "Suitability");
    await chooseIn(page, "Decision", "Suitable for the programme");
    await type(page, "Rationale", "Motivated, no contact issues, can attend evening sessions.");
    await press(page, "Save");
  });

  await officer.step("all-sections-completed", async () => {
    await page.goto(taskList);
    const tags = await page.locator(".task-list .tag").allInnerTexts();
    expect(tags.length === 5 && tags.every((t) => t === "Completed"), `sections after filling every one: ${tags}`);
  });
  await officer.step("check-and-complete", async () => {
    await follow(page, "Check and complete");
    await expectHeading(page, "Check and complete the assessment");
  });
  await officer.step("completed-and-locked", async () => {
    await press(page, "Complete and lock");
    await expectText(page, "cannot be changed");
    await expectNoText(page, "Check and complete");
    const links = await page.locator(".task-list a").count();
    expect(links === 0, `a locked assessment still links to ${links} section forms`);
  });
  await signOut(officer);
  await officer.close();
}
