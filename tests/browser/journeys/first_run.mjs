// First run: the operator opens the one-time set-up link the server printed,
// creates the first administrator, sets up two-step verification with the key
// the page shows, and creates a police officer and a probation officer, who
// each choose their own password at first sign-in.
import {
  type, choose, press, follow, expect, expectHeading, expectText, signIn, signOut,
  setUpFirstAdministrator, setUpTwoStep,
} from "../lib/forms.mjs";

export const name = "first run: set-up link, two-step, accounts for police and probation";

export async function run({ browser, server, journey, Person, story }) {
  const admin = { username: "a.okafor", name: "Adaeze Okafor", password: "copper kettle winter orchard" };
  const person = await Person.open(browser, journey, "admin");
  const page = person.page;

  await setUpFirstAdministrator(person, server, admin);
  // The link works once.
  await person.step("setup-link-spent", async () => {
    const r = await page.goto(server.setupLink);
    expect(r.status() === 404, `the set-up link still answers ${r.status()} after use`);
  });

  const staff = [
    { role: "police", username: "pc.hollis", name: "Dan Hollis", password: "quiet lighthouse marmalade", roleLabel: "Police" },
    { role: "probation", username: "po.marsh", name: "Priya Marsh", password: "velvet tractor sunrise canal", roleLabel: "Probation" },
  ];
  for (const user of staff) {
    user.temporary = `temporary ${user.role} bramble gate`;
    await person.step(`create-${user.role}`, async () => {
      await page.goto(`${journey.origin}/admin/users/new`);
      await expectHeading(page, "Create a user");
      await type(page, "Username", user.username);
      await type(page, "Full name", user.name);
      await choose(page, user.roleLabel);
      await type(page, "Temporary password", user.temporary);
      await press(page, "Create user");
      await expectText(page, user.name);
    });
  }
  await person.step("users-list", async () => {
    await page.goto(`${journey.origin}/admin/users`);
    for (const user of staff) await expectText(page, user.username);
  });
  // The administrator's phone is lost: one recovery code signs him in, once,
  // and he sets up two-step verification on the new phone at once.
  await signOut(person);
  await person.step("recovery-code-page", async () => {
    await page.goto(`${journey.origin}/sign-in`);
    await type(page, "Username", admin.username);
    await type(page, "Password", admin.password);
    await press(page, "Sign in");
    await follow(page, "Use a recovery code");
    await expectHeading(page, "Use a recovery code");
  });
  await person.step("recovery-code-used", async () => {
    await type(page, "Recovery code", admin.recoveryCodes[0].toLowerCase());
    await press(page, "Sign in");
    await expectText(page, "two-step verification was reset");
  });
  await setUpTwoStep(person, admin, "new-phone");
  await person.close();

  // Each new user signs in with the temporary password and must choose his own.
  for (const user of staff) {
    const p = await Person.open(browser, journey, user.role);
    await signIn(p, { username: user.username, password: user.temporary }, { label: "first-sign-in" });
    await p.step("new-password", async () => {
      expect(new URL(p.page.url()).pathname === "/account/password", `not asked to change the temporary password (${p.page.url()})`);
      await type(p.page, "Current password", user.temporary);
      await type(p.page, "New password", user.password);
      await type(p.page, "Confirm new password", user.password);
      await press(p.page, "Change password");
      expect(new URL(p.page.url()).pathname !== "/account/password", `password change refused: ${(await p.page.locator("main").innerText()).slice(0, 300)}`);
    });
    await p.close();
  }
  story.admin = admin;
  story.police = staff[0];
  story.probation = staff[1];
}
