// Programmes: the interventions the organisation implements. The lead adds one here and
// opens each to choose its rubric, import rubrics and set how its recordings are reviewed.
import { api } from "../api.js";
import { alertBox, append, h } from "../dom.js";
import { fill, listOrEmpty, section } from "../home/section.js";
import { currentMembership, hasRole } from "../me.js";
import { jumpButton, organisationNav } from "../members/layout.js";
import { programmeDetailsForm } from "../programmes/details-form.js";

export const title = "Programmes";

function programmeItem(programme) {
  const inUse = programme.rubric_in_use;
  return h("li", { class: "list__item" },
    h("div", {},
      h("a", { class: "list__title list__link", href: `#/programmes/${programme.id}` }, programme.name),
      programme.description ? h("span", { class: "list__meta" }, programme.description) : null,
      h("span", { class: "list__meta" }, inUse ? `Scored against ${inUse.rubric_title}, version ${inUse.version}` : "No rubric in use yet")));
}

function createForm({ base, onCreated }) {
  return programmeDetailsForm({
    id: "programme",
    heading: "Add a programme",
    descriptionLabel: "Description (optional)",
    submitLabel: "Add programme",
    failure: "The programme was not added",
    send: (body) => api.post(`${base}/programmes`, body),
    onDone: (created, { form }) => {
      form.reset();
      onCreated(created);
    },
  });
}

export async function render(main) {
  const membership = currentMembership();
  append(main, h("h1", {}, title));
  if (!membership || !hasRole(membership, "lead")) {
    append(main, alertBox("info", null, "Programmes are set up by implementation leads."));
    return null;
  }
  main.classList.add("page--wide");
  const base = `/organisations/${membership.organisation_id}`;
  const list = section("Programmes", { intro: "Open a programme to choose the rubric its recordings are scored against and how they are reviewed." });

  async function load(notice = null) {
    await fill(list, async () => {
      const programmes = await api.getAll(`${base}/programmes`);
      return [notice, listOrEmpty(programmes.map(programmeItem), "No programmes yet: add the first one.")];
    });
    if (notice) notice.focus();
  }

  const form = createForm({
    base,
    onCreated: (created) => load(alertBox("success", null, h("p", {}, `${created.name} added. `, h("a", { class: "notice-link", href: `#/programmes/${created.id}` }, `Open ${created.name}`), " to import its rubric."))),
  });
  append(main,
    h("p", { class: "lede" }, "The programmes your organisation implements, their rubrics and how their recordings are reviewed."),
    organisationNav("/programmes"),
    jumpButton("Add a programme", form.focus),
    h("div", { class: "grid grid--main-side" },
      h("div", { class: "stack" }, list.element),
      h("div", { class: "stack" }, form.element)));
  load();
  return () => main.classList.remove("page--wide");
}
