// Police: an officer at the end of a shift records arrests. "Jonh Smyth" finds
// John Smith; a second arrest of John Smith shows the repeat-arrest warning; a
// new man's conditional caution with the course condition refers him to
// probation; a form sent with mistakes keeps what was typed and its error
// links take the officer to each field.
import {
  type, choose, chooseIn, typeDate, press, follow, expect, expectHeading, expectText, expectNoText,
  expectErrorLinksFocusFields, londonDate, signIn, signOut,
} from "../lib/forms.mjs";

export const name = "police: search forgives typos, repeat arrests warned, caution refers, errors keep input";

async function recordArrestDetails(page, { location, area, disposal, courseDeadline, operation, time = "23:15" }) {
  await typeDate(page, "Date of the arrest", londonDate(-1));
  await type(page, "Time of the arrest", time);
  await type(page, "Street or place", location);
  if (operation) await type(page, "Operation name (optional)", operation);
  await page.getByLabel("Area", { exact: true }).selectOption(area);
  await chooseIn(page, "Offence", "Soliciting (Sexual Offences Act 2003 s.51A)");
  await chooseIn(page, "Disposal", disposal);
  if (courseDeadline) {
    await choose(page, "The caution has the condition to attend the awareness course (he is referred to probation)");
    await typeDate(page, "Course must be completed by", courseDeadline);
  }
}

export async function run({ browser, journey, Person, story }) {
  const officer = await Person.open(browser, journey, "police");
  const page = officer.page;

  // The sign-in form post must carry our own origin (browsers without Fetch
  // Metadata are judged on it alone) and the browser's same-origin verdict.
  const signInPost = page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname === "/sign-in");
  await signIn(officer, story.police);
  const headers = await (await signInPost).allHeaders();
  expect(headers.origin === journey.origin, `the sign-in POST carried Origin: ${headers.origin} (expected ${journey.origin})`);
  expect(headers["sec-fetch-site"] === "same-origin", `the sign-in POST carried Sec-Fetch-Site: ${headers["sec-fetch-site"]}`);

  // 1. John Smith's first arrest: nobody found, so a new person.
  await officer.step("find-john-smith", async () => {
    await follow(page, "Record an arrest");
    await expectHeading(page, "Find the man first");
    const current = await page.locator('nav a[aria-current="page"]').allInnerTexts();
    expect(current.length === 1 && current[0] === "Record an arrest",
      `the navigation marks ${JSON.stringify(current)} as the current page`);
    await type(page, "Surname", "Smith");
    await type(page, "Forenames", "John");
    await typeDate(page, "Date of birth", "1975-03-14");
    await press(page, "Search");
    await expectText(page, "No one recorded matches");
  });
  await officer.step("john-smith-new-person-form", async () => {
    await press(page, "None of these: create a new person");
    await expectHeading(page, "New person and arrest");
    expect(await page.getByLabel("Surname", { exact: true }).inputValue() === "Smith", "the surname typed in the search was not carried over");
  });
  await officer.step("john-smith-first-arrest", async () => {
    await chooseIn(page, "Sex", "Male");
    await type(page, "Postcode (optional)", "IP1 2AB");
    await recordArrestDetails(page, { location: "Portman Road", area: "Central", disposal: "Community resolution", time: "22:10" });
    await press(page, "Record arrest");
    await expectText(page, "John Smith");
    await expectText(page, "This disposal does not make a referral");
  });

  // 2. Arrested again: "Jonh Smyth" finds him, and the form warns of the first arrest.
  await officer.step("search-jonh-smyth", async () => {
    await follow(page, "Record an arrest");
    await type(page, "Surname", "Smyth");
    await type(page, "Forenames", "Jonh");
    await typeDate(page, "Date of birth", "1975-03-14");
    await press(page, "Search");
    const first = page.locator("table tbody tr").first();
    const text = await first.innerText();
    expect(text.includes("SMITH, John"), `the first match for "Jonh Smyth" is not John Smith: ${text}`);
    expect(text.includes("1 previous"), `the match does not show his previous arrest: ${text}`);
  });
  await officer.step("repeat-arrest-banner", async () => {
    await page.locator("table tbody tr").first().getByRole("button").click();
    await page.waitForLoadState("load");
    await expectHeading(page, "Arrest of John Smith");
    const banner = page.getByRole("region", { name: "Arrested 1 time before" });
    expect(await banner.count() === 1, "no repeat-arrest warning on the form");
    expect((await banner.innerText()).includes("Portman Road"), "the warning does not list the earlier arrest");
  });
  await officer.step("john-smith-second-arrest", async () => {
    await recordArrestDetails(page, { location: "Handford Road", area: "West", disposal: "No further action" });
    await press(page, "Record arrest");
    await expectText(page, "Previous arrests: 1");
  });

  // 3. A new man with mistakes in the form: everything typed is kept, and each
  //    error link moves focus to its field.
  await officer.step("new-man-search", async () => {
    await follow(page, "Record an arrest");
    await type(page, "Surname", "Wiśniewski");
    await type(page, "Forenames", "Łukasz");
    await typeDate(page, "Date of birth", "1988-07-02");
    await press(page, "Search");
    await press(page, "None of these: create a new person");
  });
  await officer.step("new-man-with-mistakes", async () => {
    await chooseIn(page, "Sex", "Male");
    await type(page, "Postcode (optional)", "NOT A POSTCODE");
    await type(page, "Street or place", "Norwich Road");
    await chooseIn(page, "Disposal", "Conditional caution");
    await type(page, "Notes (optional)", "Stopped beside a woman at the bus shelter.");
    await press(page, "Record arrest");
    await expectText(page, "There is a problem");
  });
  await officer.step("errors-keep-what-was-typed", async () => {
    const kept = {
      Surname: "Wiśniewski",
      Forenames: "Łukasz",
      "Postcode (optional)": "NOT A POSTCODE",
      "Street or place": "Norwich Road",
      "Notes (optional)": "Stopped beside a woman at the bus shelter.",
    };
    for (const [label, value] of Object.entries(kept)) {
      const now = await page.getByLabel(label, { exact: true }).inputValue();
      expect(now === value, `"${label}" was "${value}" and came back as "${now}"`);
    }
    expect(await page.getByRole("group", { name: "Disposal", exact: true }).getByLabel("Conditional caution").isChecked(),
      "the disposal chosen was lost");
    const links = await expectErrorLinksFocusFields(page);
    expect(links >= 3, `expected errors for the postcode, the area, the offence and more; found ${links}`);
  });
  await officer.step("new-man-corrected-conditional-caution", async () => {
    await type(page, "Postcode (optional)", "IP4 1AA");
    await recordArrestDetails(page, {
      location: "Norwich Road", area: "North", disposal: "Conditional caution", courseDeadline: londonDate(84), time: "21:40",
    });
    await press(page, "Record arrest");
    await expectText(page, "Łukasz Wiśniewski");
    await expectText(page, "Referred for the");
  });
  // 4. A man charged: the court and first hearing make a referral too.
  await officer.step("charged-man-search", async () => {
    await follow(page, "Record an arrest");
    await type(page, "Surname", "Pîrvu");
    await type(page, "Forenames", "Ionuț");
    await typeDate(page, "Date of birth", "1979-11-23");
    await press(page, "Search");
    await press(page, "None of these: create a new person");
  });
  await officer.step("charged-man-arrest", async () => {
    await chooseIn(page, "Sex", "Male");
    await recordArrestDetails(page, { location: "Grimwade Street", area: "East", disposal: "Charged", time: "20:05", operation: "Operation Harbour" });
    await type(page, "Court", "Ipswich Magistrates' Court");
    await typeDate(page, "First hearing date", londonDate(21));
    await press(page, "Record arrest");
    await expectText(page, "Ionuț Pîrvu");
    await expectText(page, "Referred for the");
  });
  await officer.step("arrests-list", async () => {
    await follow(page, "Arrests");
    await expectText(page, "WIŚNIEWSKI, Łukasz");
    const current = await page.locator('nav a[aria-current="page"]').allInnerTexts();
    expect(current.length === 1 && current[0] === "Arrests", `the navigation marks ${JSON.stringify(current)} as current`);
  });
  // The operation filter offers the operation named at an arrest and
  // narrows the list to it.
  await officer.step("arrests-by-operation", async () => {
    await page.getByLabel("Operation", { exact: true }).selectOption("Operation Harbour");
    await press(page, "Apply filters");
    await expectText(page, "PÎRVU, Ionuț");
    await expectNoText(page, "WIŚNIEWSKI, Łukasz");
  });
  // 3. One mistake and no date of birth: a wrong first letter still finds
  // him first, with the reason in words.
  await officer.step("find-a-person-one-mistake", async () => {
    await page.goto(`${journey.origin}/`);
    await follow(page, "Find a person");
    await type(page, "Name, reference, PNC ID or vehicle registration", "Lukasz Fisniewski");
    await press(page, "Search");
    const first = await page.locator("table tbody tr").first().innerText();
    expect(first.includes("WIŚNIEWSKI, Łukasz"), `the first match for "Lukasz Fisniewski" is not Łukasz Wiśniewski: ${first}`);
    expect(first.includes("surname one letter different"), `the match does not say why: ${first}`);
  });
  // 4. An export row one letter away from a man already recorded is listed
  // for review before anything is imported, not merged into his record.
  await officer.step("import-near-match", async () => {
    await page.goto(`${journey.origin}/`);
    await follow(page, "Import arrests");
    const csv = [
      "occurrence_reference,surname,forenames,date_of_birth,sex,arrested_at,location,area,offence,disposal,officer_collar_number",
      `BRW/77/26,Pirvo,Ionut,1979-11-23,male,${londonDate(-2)} 23:40,London Road,Central,soliciting_s51a_soa2003,simple_caution,4321`,
    ].join("\r\n") + "\r\n";
    await page.getByLabel("CSV file").setInputFiles({ name: "export.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await press(page, "Check the file");
    await expectHeading(page, "The file is ready to import");
    await expectText(page, "1 row nearly matches a man already recorded");
    const row = await page.locator("table tbody tr").first().innerText();
    expect(row.includes("PIRVO, Ionut") && row.includes("PÎRVU, Ionuț"), `the review row does not show both men: ${row}`);
    expect(row.includes("surname one letter different"), `the review row does not say why: ${row}`);
  });
  await signOut(officer);
  await officer.close();
  story.cautionedMan = { surname: "Wiśniewski", forenames: "Łukasz", dateOfBirth: "1988-07-02" };
  story.chargedMan = { surname: "Pîrvu", forenames: "Ionuț", dateOfBirth: "1979-11-23" };
}
