// A manager preparing a board paper: signs in, opens the reoffending
// figures, sets the period of index dates and the follow-up, and reads the
// groups' figures, the curves and the table beneath them. No names appear.
import { type, typeDate, press, follow, expect, expectHeading, expectText, expectNoText, londonDate, signIn } from "../lib/forms.mjs";

export const name = "manager: the dashboard, the board report, the community meeting's figures and reoffending, no names";

export async function run({ browser, server, journey, Person, story }) {
  const manager = { username: "m.okafor", name: "Chidi Okafor", password: "harbour lantern willow frost" };
  server.cli(["user", "create", "--username", manager.username, "--name", manager.name, "--role", "manager", "--password-stdin"], `${manager.password}\n`);
  const m = await Person.open(browser, journey, "manager");
  const page = m.page;
  await signIn(m, manager);

  await m.step("dashboard", async () => {
    await follow(page, "Statistics");
    await expectHeading(page, "Statistics");
    await typeDate(page, "From", "2020-01-01");
    await typeDate(page, "To", londonDate(0));
    await press(page, "Show the period");
    await expectText(page, "From 1 January 2020 to");
    await expectText(page, "Arrests per month, by disposal");
    await expectText(page, "Arrests per month, by area");
    const charts = await page.getByRole("img").count();
    expect(charts >= 2, `the dashboard draws its pictures (${charts})`);
    for (const man of [story.cautionedMan, story.chargedMan]) {
      await expectNoText(page, man.surname);
    }
  });
  await m.step("board-report", async () => {
    await follow(page, "The board report for this period");
    await expectText(page, "Board report:");
    await expectText(page, "1. The period in figures");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download as PDF" }).click(),
    ]);
    const file = download.suggestedFilename();
    expect(/^board-report-BR-\d{8}-\d{8}\.pdf$/.test(file), `the file is named by the period: ${file}`);
    await follow(page, "Back");
  });
  await m.step("community-view", async () => {
    await follow(page, "the community meeting's view");
    await expectHeading(page, "The community meeting's figures");
    await expectText(page, "fewer than 5");
  });
  await m.step("reoffending-page", async () => {
    await follow(page, "Statistics");
    await follow(page, "reoffending by group");
    await expectHeading(page, "Reoffending");
    await expectText(page, "known reoffending recorded in this system");
    await expectText(page, "One-year figures by group");
  });
  await m.step("period-set", async () => {
    await page.getByLabel("The arrest that led to his referral").check();
    await typeDate(page, "Index dates from", "2020-01-01");
    await typeDate(page, "Index dates to", londonDate(0));
    await type(page, "Follow-up window in days", "a year");
    await press(page, "Show the figures");
    await expectText(page, "There is a problem");
    expect((await page.getByLabel("Follow-up window in days").inputValue()) === "a year", "what was typed is kept");
    await type(page, "Follow-up window in days", "365");
    await press(page, "Show the figures");
    await expectText(page, "Index: the arrest that led to his referral. Index dates from 1 January 2020");
  });
  await m.step("picture-and-table", async () => {
    const chart = page.getByRole("img", { name: "Cumulative known reoffending by days since the index date" });
    expect((await chart.count()) === 1, "the curves are one picture with a name");
    await expectText(page, "Completed the programme");
    await expectText(page, "Assessed but never enrolled");
    await expectText(page, "not matched");
    for (const man of [story.cautionedMan, story.chargedMan]) {
      await expectNoText(page, man.surname);
    }
  });
  await m.close();
}
