// The same probation journey with JavaScript turned off in the browser: every
// page must work without it.
import { assessFromReferral } from "./probation_steps.mjs";

export const name = "probation without JavaScript: the same journey";

export async function run(context) {
  await assessFromReferral({ ...context, javaScript: false, man: context.story.chargedMan, sanction: "Conviction" });
}
