// A facilitator's evening: probation has set up two cohorts of twelve men
// (through the API, as a case-management import would); the facilitator
// signs in, opens today's register from the home page, uses "mark everyone
// attended" and changes two men, saves and sees the counts; then, with
// JavaScript off, marks the other cohort's twelve men one by one.
import { expect, expectHeading, expectText, londonDate, press, signIn } from "../lib/forms.mjs";

export const name = "facilitator: today's register from home, twelve men marked with and without JavaScript";

const SURNAMES = ["Abbott", "Baker", "Carter", "Dixon", "Ellis", "Fisher", "Grant", "Hughes", "Irwin", "Jones", "Kemp", "Lloyd"];

async function seed(server, story, facilitator) {
  const probation = server.cli(["token", "create", "--username", story.probation.username, "--name", "browser seed"]).trim().split("\n").pop();
  const police = server.cli(["token", "create", "--username", story.police.username, "--name", "browser seed"]).trim().split("\n").pop();
  const programme = await server.api(probation, "POST", "/programmes", {
    name: "Street sex work awareness",
    max_group_size: 12,
    sessions: [1, 2, 3, 4].map((n) => ({ number: n, title: ["Consequences", "Exploitation", "Harm to families", "Next steps"][n - 1], minutes: 120 })),
    aims: ["Understand the harm done to women in street sex work"],
    completion_rule: { min_attended: 3 },
  });
  const cohorts = [];
  for (const [code, forenames] of [["EVE-A", "Alan"], ["EVE-B", "Brian"]]) {
    const cohort = await server.api(probation, "POST", "/cohorts", {
      programme_id: programme.id,
      code,
      venue: "St Mary's church hall",
      capacity: 12,
      facilitator_usernames: [facilitator.username],
      first_session_at: `${londonDate()}T18:00:00Z`,
      interval_days: 7,
    });
    for (const surname of SURNAMES) {
      const man = await server.api(police, "POST", "/people", { surname, forenames, date_of_birth: "1970-04-04", sex: "male" });
      await server.api(probation, "POST", "/enrolments", {
        person_id: man.id, cohort_id: cohort.id, legal_basis: "community_order", override_reason: "Sentenced before assessment",
      });
    }
    cohorts.push(cohort);
  }
  return cohorts;
}

function row(page, name) {
  return page.locator(".register-row", { hasText: name });
}

export async function run({ browser, server, journey, Person, story }) {
  const facilitator = { username: "f.adeyemi", name: "Funmi Adeyemi", password: "saffron lantern meadow tide" };
  server.cli(["user", "create", "--username", facilitator.username, "--name", facilitator.name, "--role", "facilitator", "--password-stdin"], `${facilitator.password}\n`);
  const [first, second] = await seed(server, story, facilitator);

  const f = await Person.open(browser, journey, "facilitator");
  const page = f.page;
  await signIn(f, facilitator);
  await f.step("home-lists-today", async () => {
    await expectText(page, "Today's sessions");
    await page.getByRole("link", { name: `Register: ${first.code}, Session 1: Consequences` }).click();
    await expectHeading(page, "Session 1: Consequences");
    await expectText(page, "Not yet marked: 12");
  });
  await f.step("mark-all-then-two-exceptions", async () => {
    await press(page, "Mark everyone attended and complied");
    const ticked = await page.locator('.radios__input[value="attended_complied"]:checked').count();
    expect(ticked === 12, `mark all ticked ${ticked} of 12`);
    await row(page, "CARTER, Alan").getByLabel("Unacceptable absence", { exact: true }).check();
    const dixon = row(page, "DIXON, Alan");
    await dixon.getByLabel("Acceptable absence", { exact: true }).check();
    await dixon.locator("summary").click();
    await dixon.getByLabel("Reason the absence was accepted").selectOption("medical");
    await dixon.getByLabel("Add a note").fill("Hospital appointment; letter seen");
  });
  await f.step("saved-with-counts", async () => {
    await press(page, "Save the register");
    await expectText(page, "Register saved: 12 marks recorded");
    await expectText(page, "Attended and complied: 10");
    await expectText(page, "Acceptable absence: 1");
    await expectText(page, "Unacceptable absence: 1");
  });
  await f.close();

  const noScript = await Person.open(browser, journey, "facilitator-no-js", { javaScript: false });
  const p = noScript.page;
  await signIn(noScript, facilitator);
  await noScript.step("second-register", async () => {
    await p.getByRole("link", { name: `Register: ${second.code}, Session 1: Consequences` }).click();
    const markAll = p.getByRole("button", { name: "Mark everyone attended and complied" });
    expect(!(await markAll.isVisible()), "the scripted button shows without JavaScript");
  });
  await noScript.step("each-man-marked", async () => {
    for (const surname of SURNAMES) {
      const outcome = surname === "Kemp" ? "Sent home: behaviour" : "Attended and complied";
      await row(p, `${surname.toUpperCase()}, Brian`).getByLabel(outcome, { exact: true }).check();
    }
    await press(p, "Save the register");
    await expectText(p, "Register saved: 12 marks recorded");
    await expectText(p, "Attended and complied: 11");
    await expectText(p, "Sent home: behaviour: 1");
  });
  await noScript.close();
}
