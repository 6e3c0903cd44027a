// A developer at another force reads the API reference without signing in:
// the list of operations, the arrest's request with its required fields, and
// the six disposal codes, all on Kerbside's own page (no third-party script).
import { expect, expectHeading, expectText } from "../lib/forms.mjs";

export const name = "developer: the API reference describes recording an arrest, codes and all";

export async function run({ browser, journey, Person }) {
  const developer = await Person.open(browser, journey, "developer");
  const page = developer.page;
  await developer.step("reference", async () => {
    await page.goto(`${journey.origin}/api/v1/docs`);
    await expectHeading(page, "Kerbside API reference");
    const scripts = await page.locator("script[src]").evaluateAll((els) => els.map((e) => e.getAttribute("src")));
    expect(scripts.every((src) => src.startsWith("/")), `a script from elsewhere: ${scripts}`);
  });
  await developer.step("record-an-arrest", async () => {
    await page.getByRole("link", { name: "POST /api/v1/arrests", exact: true }).click();
    await expectText(page, "Record an arrest");
    await page.getByRole("link", { name: "ArrestBody", exact: true }).first().click();
    await expectText(page, "person_id");
  });
  await developer.step("disposal-codes", async () => {
    const codes = await page.locator("#schema-Disposal code").allInnerTexts();
    expect(codes.length === 6, `expected the six disposal codes, found ${codes}`);
    expect(codes.includes("conditional_caution"), `no conditional_caution in ${codes}`);
  });
  await developer.close();
}
