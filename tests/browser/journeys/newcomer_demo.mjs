// A newcomer's first two minutes: `kerbside seed-demo` fills the empty
// database and prints one password per role; the probation officer signs in
// with the printed password and finds a populated system, and so does the
// manager.
import { expect, expectHeading, expectText, signIn, signOut } from "../lib/forms.mjs";

export const name = "newcomer: seed-demo, then sign in with a printed password to a populated system";

export async function run({ browser, server, journey, Person }) {
  const printed = server.cli(["seed-demo", "--scale", "40"]);
  expect(/Made 40 men, \d+ arrests/.test(printed), `seed-demo said: ${printed}`);
  const password = (username) => {
    const line = printed.split("\n").find((l) => l.trim().split(/\s+/)[1] === username);
    expect(line, `no password printed for ${username}: ${printed}`);
    return line.trim().split(/\s+/)[2];
  };
  let refused = "";
  try {
    server.cli(["seed-demo"]);
  } catch (e) {
    refused = String(e.message);
  }
  expect(refused.includes("already holds 40 people"), `a second seed-demo was not refused: ${refused}`);

  const officer = await Person.open(browser, journey, "probation");
  const page = officer.page;
  await signIn(officer, { username: "demo.probation", password: password("demo.probation") });
  await officer.step("referral-queue", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Referrals", exact: true }).click();
    await page.waitForLoadState("load");
    await expectHeading(page, "Referral queue");
  });
  await officer.step("cohorts", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Cohorts", exact: true }).click();
    await page.waitForLoadState("load");
    await expectText(page, "AW-");
  });
  await signOut(officer);
  await officer.close();

  const manager = await Person.open(browser, journey, "manager");
  await signIn(manager, { username: "demo.manager", password: password("demo.manager") });
  await manager.step("statistics", async () => {
    await manager.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Statistics", exact: true }).click();
    await manager.page.waitForLoadState("load");
    await expectText(manager.page, "Arrests per month");
  });
  await signOut(manager);
  await manager.close();
}
