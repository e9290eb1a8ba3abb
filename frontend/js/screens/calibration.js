// Calibration exercises: leads set them up and follow them; coaches find the ones they are
// asked to rate. Each opens on its own screen (scoring, progress, results).
import { api } from "../api.js";
import { alertBox, append, h } from "../dom.js";
import { fill, listOrEmpty, section } from "../home/section.js";
import { currentMembership, hasRole } from "../me.js";
import { exerciseItem } from "../calibration/item.js";
import { setupForm } from "../calibration/setup-form.js";
import { byName, jumpButton, organisationNav } from "../members/layout.js";
import { navigate } from "../router.js";

export const title = "Calibration";

export async function render(main) {
  const membership = currentMembership();
  append(main, h("h1", {}, title));
  const lead = hasRole(membership, "lead");
  if (!membership || !(lead || hasRole(membership, "coach"))) {
    append(main, alertBox("info", null, "Calibration exercises are for implementation leads and coaches."));
    return null;
  }
  const base = `/organisations/${membership.organisation_id}`;
  const list = section(lead ? "Exercises" : "Exercises you rate");
  fill(list, async () => listOrEmpty(
    (await api.getAll(`${base}/calibration-exercises`)).map(exerciseItem),
    lead ? "No exercise yet. Start one with the form." : "Nobody has asked you to rate a calibration exercise yet.",
  ));
  append(main, h("p", { class: "lede" }, "Several raters score the same recording alone; the results show how far they agree with each other and with a gold standard, criterion by criterion."));
  if (!lead) {
    append(main, list.element);
    return null;
  }
  main.classList.add("page--wide");
  let members;
  let recordings;
  try {
    [members, recordings] = await Promise.all([
      api.getAll(`${base}/members`).then(byName),
      api.getAll(`/recordings?organisation_id=${membership.organisation_id}`),
    ]);
  } catch (error) {
    append(main, alertBox("error", "Calibration could not be loaded", error.message));
    return () => main.classList.remove("page--wide");
  }
  const form = setupForm({ base, members, recordings, onCreated: (created) => navigate(`/calibration/${created.id}`) });
  append(main,
    organisationNav("/calibration"),
    jumpButton("New exercise", form.focus),
    h("div", { class: "grid grid--main-side" },
      h("div", { class: "stack" }, list.element),
      h("div", { class: "stack" }, h("section", { class: "card" }, form.element)),
    ),
  );
  return () => main.classList.remove("page--wide");
}
