// Setting a calibration exercise up: the master recording (its family's consent must allow
// training), the rubric version, the raters and, if the lead has one, a gold standard.
import { api } from "../api.js";
import { h, replaceChildren } from "../dom.js";
import { formatDate } from "../format.js";
import { clearProblems, showApiError, showProblems } from "../forms.js";
import { displayName } from "../me.js";

function field(name, label, control, hint = null) {
  const hintElement = hint ? h("span", { class: "hint", id: `${control.id}-hint` }, hint) : null;
  if (hintElement) control.setAttribute("aria-describedby", hintElement.id);
  return h("div", { class: "field", "data-field": name }, h("label", { for: control.id }, label), hintElement, control);
}

function choices(select, items, placeholder) {
  replaceChildren(select, h("option", { value: "" }, placeholder), items.map(([value, text]) => h("option", { value }, text)));
}

/** Recordings a calibration may use: ready, with consent to training that still holds. */
function trainingRecordings(recordings) {
  return recordings.filter((r) => r.status === "ready" && r.consent && r.consent.scope === "coaching_and_training" && !r.consent.withdrawn_at);
}

export function setupForm({ base, members, recordings, onCreated }) {
  const names = new Map(members.map((member) => [member.user_id, displayName(member)]));
  const usable = trainingRecordings(recordings);
  const title = h("input", { class: "input", id: "calibration-title", name: "title", maxlength: "200", autocomplete: "off" });
  const recording = h("select", { class: "input", id: "calibration-recording", name: "recording_id" });
  choices(recording, usable.map((r) => [r.id, `${r.title} – ${names.get(r.owner_user_id) || "a practitioner"}, ${formatDate(r.created_at)}`]), "Choose a recording");
  const version = h("select", { class: "input", id: "calibration-version", name: "rubric_version_id", disabled: true });
  choices(version, [], "Choose the recording first");
  const gold = h("select", { class: "input", id: "calibration-gold", name: "gold_observation_id", disabled: true });
  choices(gold, [], "No gold standard");
  const raters = members.filter((m) => m.roles.includes("coach") || m.roles.includes("lead"));
  const raterList = h("fieldset", { "data-field": "rater_user_ids" },
    h("legend", {}, "Raters"),
    h("p", { class: "hint" }, "Each scores the recording alone and sees nobody else's scores until the exercise closes."),
    raters.map((person) => h("label", { class: "choice" },
      h("input", { type: "checkbox", name: "rater", value: person.user_id }),
      h("span", {}, displayName(person)))));

  let observations = [];
  async function recordingChosen() {
    const chosen = usable.find((r) => r.id === recording.value);
    version.disabled = gold.disabled = !chosen;
    choices(gold, [], "No gold standard");
    if (!chosen) {
      choices(version, [], "Choose the recording first");
      return;
    }
    // The practitioner in the recording cannot rate it.
    raterList.querySelectorAll("input").forEach((box) => {
      const own = box.value === chosen.owner_user_id;
      box.disabled = own;
      if (own) box.checked = false;
    });
    const programme = chosen.programme_id ? `?programme_id=${chosen.programme_id}` : "";
    const [rubrics, found] = await Promise.all([
      api.getAll(`${base}/rubrics${programme}`),
      api.getAll(`/recordings/${chosen.id}/observations`),
    ]);
    observations = found.filter((o) => o.status === "submitted");
    const published = rubrics.flatMap((rubric) => rubric.versions.filter((v) => v.status === "published").map((v) => [v.id, `${rubric.title}, version ${v.version}`]));
    choices(version, published, published.length ? "Choose a rubric version" : "No published rubric for this programme");
    if (published.length === 1) version.value = published[0][0];
    versionChosen();
  }
  function versionChosen() {
    const matching = observations.filter((o) => o.rubric_version_id === version.value);
    choices(gold, matching.map((o) => [o.id, `${names.get(o.rater_user_id) || "A rater"}, ${formatDate(o.submitted_at)}${o.weighted_percent === null ? "" : `, ${Math.round(o.weighted_percent)} %`}`]), "No gold standard");
  }
  recording.addEventListener("change", recordingChosen);
  version.addEventListener("change", versionChosen);

  const status = h("div", { class: "form-status" });
  const submit = h("button", { class: "button", type: "submit" }, "Start the exercise");
  const form = h("form", { novalidate: true, "aria-labelledby": "calibration-form-heading" },
    h("h2", { id: "calibration-form-heading" }, "New calibration exercise"),
    field("title", "Title", title, "For example: Spring calibration, module 2."),
    usable.length ? null : h("p", { class: "hint" }, "No recording can be used yet: a calibration needs a ready recording whose family consented to its use in training."),
    field("recording_id", "Master recording", recording, "Only recordings whose family consented to training are offered."),
    field("rubric_version_id", "Rubric version", version),
    raterList,
    field("gold_observation_id", "Gold standard (optional)", gold, "A submitted observation of this recording that the raters are measured against."),
    status,
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosenRaters = [...raterList.querySelectorAll("input:checked")].map((box) => box.value);
    const problems = [];
    if (!title.value.trim()) problems.push({ field: "title", message: "Give the exercise a title." });
    if (!recording.value) problems.push({ field: "recording_id", message: "Choose the master recording." });
    if (!version.value) problems.push({ field: "rubric_version_id", message: "Choose the rubric version." });
    if (chosenRaters.length < 2) problems.push({ field: "rater_user_ids", message: "Choose two raters or more." });
    if (problems.length) {
      showProblems(form, status, { problems });
      return;
    }
    clearProblems(form, status);
    submit.disabled = true;
    try {
      const created = await api.post(`${base}/calibration-exercises`, {
        title: title.value.trim(),
        recording_id: recording.value,
        rubric_version_id: version.value,
        rater_user_ids: chosenRaters,
        gold_observation_id: gold.value || null,
      });
      onCreated(created);
    } catch (error) {
      showApiError(form, status, error, { title: "The exercise was not started" });
    } finally {
      submit.disabled = false;
    }
  });
  return { element: form, focus: () => title };
}
