// Learning objectives: the ones a person may see (their own, or of the practitioners they
// coach), create one, update its status, add progress notes and see its evidence.
import { api } from "../api.js";
import { alertBox, announce, append, h, replaceChildren, uniqueId } from "../dom.js";
import { assignedPractitioners } from "../home/coach.js";
import { formatDate } from "../format.js";
import { currentMe, currentMembership, displayName, hasRole } from "../me.js";
import { criteriaList, evidenceList, objectiveSummary, STATUS_LABELS } from "../objectives/view.js";

export const title = "Learning objectives";

async function firstPublishedVersion(organisationId) {
  try {
    for (const rubric of await api.getAll(`/organisations/${organisationId}/rubrics`)) {
      const published = rubric.versions.find((v) => v.status === "published");
      if (published) return api.get(`/organisations/${organisationId}/rubrics/${rubric.id}/versions/${published.version}`);
    }
  } catch {
    // Without a rubric an objective simply links no criterion.
  }
  return null;
}

function field(id, label, control, hint = null) {
  if (hint) control.setAttribute("aria-describedby", `${id}-hint`);
  return h("div", { class: "field" }, h("label", { for: id }, label), hint ? h("span", { class: "hint", id: `${id}-hint` }, hint) : null, control);
}

function createForm({ organisationId, people, version, onlyYou, onCreated }) {
  const status = h("div", {});
  const person = h("select", { class: "input", id: "objective-person", name: "person" },
    people.map((p) => h("option", { value: p.user_id }, p.label)));
  const criterion = h("select", { class: "input", id: "objective-criterion", name: "criterion" },
    h("option", { value: "" }, "None"),
    version ? version.criteria.map((c) => h("option", { value: c.id }, `${c.code} ${c.title}`)) : null);
  const level = h("select", { class: "input", id: "objective-level", name: "level" },
    version ? version.scale.map((s) => h("option", { value: String(s.level), selected: s.level === version.scale[version.scale.length - 2]?.level }, `${s.level} ${s.label}`)) : null);
  const personField = field("objective-person", "Practitioner", person);
  personField.hidden = onlyYou;
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "new-objective" },
    h("h2", { id: "new-objective" }, "New objective"),
    personField,
    field("objective-title", "What to work on", h("input", { class: "input", id: "objective-title", name: "title", type: "text", maxlength: "300", autocomplete: "off" }), "For example: Ask more open questions."),
    field("objective-description", "Details (optional)", h("textarea", { class: "input", id: "objective-description", name: "description", rows: "3" })),
    field("objective-date", "Target date (optional)", h("input", { class: "input", id: "objective-date", name: "target", type: "date" })),
    version ? field("objective-criterion", "Rubric criterion (optional)", criterion) : null,
    version ? field("objective-level", "Level to reach", level) : null,
    status,
    h("div", { class: "actions" }, h("button", { class: "button", type: "submit" }, "Add objective")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const titleInput = form.elements.title;
    if (!titleInput.value.trim()) {
      titleInput.setAttribute("aria-invalid", "true");
      const box = alertBox("error", null, "Say what to work on.");
      replaceChildren(status, box);
      titleInput.focus();
      return;
    }
    titleInput.removeAttribute("aria-invalid");
    const body = {
      practitioner_user_id: person.value,
      title: titleInput.value.trim(),
      description: form.elements.description.value,
      target_date: form.elements.target.value || null,
      criteria: criterion.value ? [{ criterion_id: criterion.value, target_level: Number(level.value) }] : [],
    };
    try {
      const created = await api.post(`/organisations/${organisationId}/objectives`, body);
      form.reset();
      replaceChildren(status, alertBox("success", null, `Objective “${created.title}” added.`));
      announce("Objective added.");
      onCreated();
    } catch (error) {
      replaceChildren(status, alertBox("error", "The objective was not added", error.message));
    }
  });
  return form;
}

/** A progress note and when it was added (by the reader, or by the other person). */
function noteItem(note, me) {
  const when = formatDate(note.created_at);
  const added = note.author_user_id === me.id ? `Added by you on ${when}` : `Added on ${when}`;
  return h("li", { class: "list__item list__item--stack" }, h("p", { class: "prose" }, note.body), h("span", { class: "list__meta" }, added));
}

function objectiveCard(objective, who, reload, me) {
  const headingId = uniqueId("objective");
  const statusId = uniqueId("objective-status");
  const noteId = uniqueId("objective-note");
  const message = h("div", {});
  const statusSelect = h("select", { class: "input", id: statusId },
    Object.entries(STATUS_LABELS).map(([value, label]) => h("option", { value, selected: value === objective.status }, label)));
  const statusForm = h("form", { class: "inline-form", novalidate: true },
    field(statusId, "Status", statusSelect),
    h("button", { class: "button button--secondary", type: "submit" }, "Update status"));
  statusForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api.patch(`/objectives/${objective.id}`, { status: statusSelect.value });
      announce(`Status updated to ${STATUS_LABELS[statusSelect.value]}.`);
      reload(objective.id);
    } catch (error) {
      replaceChildren(message, alertBox("error", "The status was not updated", error.message));
    }
  });
  const note = h("textarea", { class: "input", id: noteId, rows: "2" });
  const noteForm = h("form", { novalidate: true },
    field(noteId, "Progress note", note),
    h("div", { class: "actions" }, h("button", { class: "button button--secondary", type: "submit" }, "Add note")));
  noteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!note.value.trim()) {
      replaceChildren(message, alertBox("error", null, "Write the note first."));
      note.focus();
      return;
    }
    try {
      await api.post(`/objectives/${objective.id}/notes`, { body: note.value.trim() });
      announce("Note added.");
      reload(objective.id);
    } catch (error) {
      replaceChildren(message, alertBox("error", "The note was not added", error.message));
    }
  });
  return h("article", { class: "card objective", "aria-labelledby": headingId, "data-objective-id": objective.id },
    h("h2", { id: headingId, tabindex: "-1" }, objective.title),
    who ? h("p", { class: "muted" }, who) : null,
    objectiveSummary(objective),
    objective.description ? h("p", { class: "prose" }, objective.description) : null,
    criteriaList(objective),
    message,
    statusForm,
    h("h3", {}, "Progress notes"),
    objective.notes.length
      ? h("ul", { class: "list" }, objective.notes.map((n) => noteItem(n, me)))
      : h("p", { class: "muted" }, "No notes yet."),
    noteForm,
    h("h3", {}, "Evidence"),
    evidenceList(objective),
  );
}

export async function render(main, { query }) {
  const me = currentMe();
  const membership = currentMembership();
  append(main, h("h1", {}, title));
  if (!membership) {
    append(main, alertBox("info", null, "You are not a member of an organisation in Tandem yet."));
    return null;
  }
  const organisationId = membership.organisation_id;
  // The screen's parts arrive together; until then the page says it is loading.
  const screen = h("div", { "aria-busy": "true" }, h("p", { class: "loading" }, "Loading…"));
  append(main, h("p", { class: "lede" }, "What you agreed to work on, how it is going, and the evidence."), screen);
  const people = [];
  if (hasRole(membership, "practitioner")) people.push({ user_id: me.id, label: `${displayName(me)} (you)` });
  if (hasRole(membership, "coach")) {
    try {
      for (const person of await assignedPractitioners(membership, me, "coach")) {
        people.push({ user_id: person.user_id, label: displayName(person) });
      }
    } catch (error) {
      screen.removeAttribute("aria-busy");
      replaceChildren(screen, alertBox("error", "Your practitioners could not be loaded", error.message));
      return null;
    }
  }
  const names = new Map(people.map((p) => [p.user_id, p.label]));
  const filter = h("select", { class: "input", id: "objectives-filter" },
    h("option", { value: "" }, "Everyone"),
    people.map((p) => h("option", { value: p.user_id, selected: p.user_id === query.get("practitioner") }, p.label)));
  const filterField = field("objectives-filter", "Whose objectives", filter);
  filterField.hidden = people.length < 2;
  const list = h("div", { "aria-live": "polite" });

  async function load(focusId = null) {
    const who = filter.value ? `?practitioner_user_id=${filter.value}` : "";
    try {
      const objectives = await api.getAll(`/organisations/${organisationId}/objectives${who}`);
      replaceChildren(list, objectives.length
        ? objectives.map((o) => objectiveCard(o, people.length > 1 ? names.get(o.practitioner_user_id) || "" : "", load, me))
        : h("p", { class: "muted" }, "No learning objectives yet. Agree one with your coach and add it here."));
      if (focusId) {
        const heading = list.querySelector(`[data-objective-id="${focusId}"] h2`);
        if (heading) heading.focus();
      }
    } catch (error) {
      replaceChildren(list, alertBox("error", "Objectives could not be loaded", error.message));
    }
  }
  filter.addEventListener("change", () => load());
  const version = await firstPublishedVersion(organisationId);
  await load();
  screen.removeAttribute("aria-busy");
  replaceChildren(screen,
    filterField,
    list,
    people.length ? createForm({ organisationId, people, version, onlyYou: people.length === 1 && people[0].user_id === me.id, onCreated: () => load() }) : null,
  );
  return null;
}
