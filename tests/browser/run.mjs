// Kerbside's browser suite: the journeys people make, in Debian's Chromium,
// against the built binary on a fresh SQLite database, with axe on every page.
//
//   node run.mjs            every journey
//   node run.mjs police     only journeys whose name contains "police" (and
//                           the ones they build on)
//
// Prints "N passed, N failed" and exits non-zero on any failure. Screenshots
// of every step of a failed journey stay in target/browser/<journey>-FAILED/.
import { launchChromium, Journey, Person, SHOTS } from "./lib/browser.mjs";
import { startServer } from "./lib/server.mjs";
import { selfCheck } from "./lib/totp.mjs";

import * as firstRun from "./journeys/first_run.mjs";
import * as police from "./journeys/police.mjs";
import * as probation from "./journeys/probation.mjs";
import * as probationNoScript from "./journeys/probation_no_script.mjs";
import * as adminAudit from "./journeys/admin_audit.mjs";
import * as sessionExpiry from "./journeys/session_expiry.mjs";
import * as apiReference from "./journeys/api_reference.mjs";
import * as facilitatorRegister from "./journeys/facilitator_register.mjs";
import * as probationProgramme from "./journeys/probation_programme.mjs";
import * as probationCourtReport from "./journeys/probation_court_report.mjs";
import * as managerReoffending from "./journeys/manager_reoffending.mjs";
import * as dataProtection from "./journeys/data_protection.mjs";
import * as newcomerDemo from "./journeys/newcomer_demo.mjs";

// One story on one server: each journey builds on the ones before it.
const STORY = [firstRun, police, probation, probationNoScript, adminAudit, apiReference, facilitatorRegister, probationProgramme, probationCourtReport, managerReoffending, dataProtection];
// Journeys with a server of their own, run alongside the story.
const ALONE = [sessionExpiry, newcomerDemo];

const filter = process.argv[2];
const results = [];

async function runJourney(module, browser, server, story) {
  const journey = new Journey(module.name);
  journey.origin = server.origin;
  const started = Date.now();
  try {
    await module.run({ browser, server, journey, Person, story });
    if (journey.problems.length) throw new Error(journey.problems.join("\n"));
    await journey.finish(true);
    results.push({ name: module.name, ok: true, ms: Date.now() - started, pages: journey.checked });
    console.log(`ok    ${module.name} (${((Date.now() - started) / 1000).toFixed(1)} s, ${journey.checked} pages checked with axe)`);
    return true;
  } catch (error) {
    await journey.finish(false);
    results.push({ name: module.name, ok: false, error });
    console.log(`FAIL  ${module.name}\n      ${String(error.stack ?? error).split("\n").join("\n      ")}`);
    const log = server.stderr().trim();
    if (log) console.log(`      server said:\n      ${log.split("\n").slice(-15).join("\n      ")}`);
    return false;
  }
}

async function runStory(browser) {
  const server = await startServer({ name: "story server" });
  const story = {};
  try {
    const wanted = filter ? STORY.findLastIndex((m) => m.name.includes(filter)) : STORY.length - 1;
    for (const module of STORY.slice(0, wanted + 1)) {
      if (!(await runJourney(module, browser, server, story))) {
        for (const rest of STORY.slice(STORY.indexOf(module) + 1, wanted + 1)) {
          results.push({ name: rest.name, ok: false, error: new Error("not run: an earlier journey failed") });
          console.log(`FAIL  ${rest.name} (not run: an earlier journey failed)`);
        }
        break;
      }
    }
  } finally {
    await server.stop();
  }
}

async function runAlone(module, browser) {
  if (filter && !module.name.includes(filter)) return;
  const server = await startServer({ name: module.name, env: module.env ?? {} });
  try {
    await runJourney(module, browser, server, {});
  } finally {
    await server.stop();
  }
}

selfCheck();
const browser = await launchChromium();
try {
  await Promise.all([runStory(browser), ...ALONE.map((m) => runAlone(m, browser))]);
} finally {
  await browser.close();
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`\n${passed} passed, ${failed} failed`);
if (failed) console.log(`screenshots of each step of the failed journeys: ${SHOTS}`);
process.exit(failed === 0 && results.length > 0 ? 0 : 1);
