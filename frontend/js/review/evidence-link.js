// "Link to an objective": a comment, or a scored criterion of a submitted observation, as
// evidence for one of the practitioner's open learning objectives. The practitioner and
// their coaches may link (the API decides; a refusal is shown as it comes).
import { api } from "../api.js";
import { alertBox, announce, h, replaceChildren, uniqueId } from "../dom.js";

const OPEN = new Set(["open", "in_progress"]);
const openObjectives = new Map(); // practitioner id -> Promise of their open objectives

function objectivesOf(recording) {
  const key = recording.owner_user_id;
  if (!openObjectives.has(key)) {
    const query = `/organisations/${recording.organisation_id}/objectives?practitioner_user_id=${key}`;
    openObjectives.set(key, api.getAll(query).then((all) => all.filter((o) => OPEN.has(o.status))));
    // A failed look-up is tried again next time rather than remembered.
    openObjectives.get(key).catch(() => openObjectives.delete(key));
  }
  return openObjectives.get(key);
}

/**
 * The control for one piece of evidence: `kind` "comment" or "observation", `refId` its id,
 * `note` what the objective's evidence list says about it, `what` how the button names it.
 */
export function evidenceLink({ recording, kind, refId, note, what }) {
  const toggle = h("button", { class: "button button--secondary button--small", type: "button", "aria-expanded": "false", "data-action": "link" }, `Link ${what} to an objective`);
  const box = h("div", { class: "evidence-link", hidden: true });
  const status = h("div", { "aria-live": "polite" });

  async function open() {
    replaceChildren(box, h("p", { class: "loading" }, "Loading objectives…"));
    let objectives;
    try {
      objectives = await objectivesOf(recording);
    } catch (error) {
      replaceChildren(box, alertBox("error", "Objectives could not be loaded", error.message));
      return;
    }
    if (!objectives.length) {
      replaceChildren(box, h("p", { class: "muted" }, "There is no open learning objective to link to. Agree one on the objectives screen."));
      return;
    }
    const id = uniqueId("objective");
    const select = h("select", { class: "input", id }, objectives.map((o) => h("option", { value: o.id }, o.title)));
    const form = h("form", { class: "reply-form", novalidate: true },
      h("label", { for: id }, "Objective"), select, status,
      h("div", { class: "actions" }, h("button", { class: "button", type: "submit" }, "Link as evidence")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const chosen = objectives.find((o) => o.id === select.value);
      try {
        await api.post(`/objectives/${chosen.id}/evidence`, { kind, ref_id: refId, note });
        replaceChildren(box, alertBox("success", null, `Linked as evidence for “${chosen.title}”.`));
        announce(`Linked as evidence for ${chosen.title}.`);
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      } catch (error) {
        replaceChildren(status, alertBox("error", "It was not linked", error.message));
      }
    });
    replaceChildren(box, form);
    select.focus();
  }

  toggle.addEventListener("click", () => {
    const opening = box.hidden || toggle.getAttribute("aria-expanded") === "false";
    box.hidden = !opening;
    toggle.setAttribute("aria-expanded", String(opening));
    if (opening) open();
  });
  return { toggle, box };
}
