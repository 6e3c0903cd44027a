// Probation, with JavaScript: the referral queue, assigning it to himself,
// every section of the assessment (OGRS3 prefilled from the arrest),
// completing it, and the completed assessment locked.
import { assessFromReferral } from "./probation_steps.mjs";

export const name = "probation: queue, assign, every assessment section, complete and locked";

export async function run(context) {
  await assessFromReferral({ ...context, javaScript: true, man: context.story.cautionedMan, sanction: "Caution" });
}
