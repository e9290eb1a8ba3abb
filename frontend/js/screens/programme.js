// One programme, for its lead: the rubric version its recordings are scored against (and
// the choice of another), its rubrics with their versions, importing a rubric, the review
// settings, and its name and description.
import { api } from "../api.js";
import { alertBox, append, h, replaceChildren } from "../dom.js";
import { clearProblems, showApiError } from "../forms.js";
import { fill, listOrEmpty, section } from "../home/section.js";
import { currentMembership, hasRole } from "../me.js";
import { organisationNav } from "../members/layout.js";
import { programmeDetailsForm } from "../programmes/details-form.js";
import { reviewSettingsForm } from "../programmes/review-settings.js";
import { importForm } from "../rubrics/import.js";
import { statusBadge } from "../rubrics/versions.js";

export const title = "Programme";

function inUseText(programme) {
  const inUse = programme.rubric_in_use;
  return inUse ? `${inUse.rubric_title}, version ${inUse.version}` : "None yet: publish a rubric and it is used at once.";
}

/** Choosing the published version new observations are scored against. */
function rubricChoice({ url, programme, rubrics, onChosen }) {
  const published = rubrics.flatMap((rubric) => rubric.versions
    .filter((version) => version.status === "published")
    .map((version) => ({ rubric, version })));
  const status = h("div", { class: "form-status" });
  const current = h("p", {}, h("strong", {}, "In use: "), inUseText(programme));
  if (!published.length) return h("div", {}, current, h("p", { class: "muted" }, "No rubric of this programme is published yet."));
  const select = h("select", { class: "input", id: "rubric-version-choice", name: "rubric_version_id" },
    published.map(({ rubric, version }) => h("option", { value: version.id, selected: version.id === programme.rubric_version_id }, `${rubric.title}, version ${version.version}`)));
  const form = h("form", { novalidate: true, "aria-label": "Rubric in use" },
    current,
    h("div", { class: "field", "data-field": "rubric_version_id" },
      h("label", { for: select.id }, "Score new observations against"),
      h("span", { class: "hint", id: "rubric-version-hint" }, "Observations already made keep the version they were scored with."),
      select),
    h("div", { class: "actions" }, h("button", { class: "button", type: "submit" }, "Use this rubric")));
  select.setAttribute("aria-describedby", "rubric-version-hint");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearProblems(form, status);
    try {
      onChosen(await api.patch(url, { rubric_version_id: select.value }));
    } catch (error) {
      showApiError(form, status, error, { title: "The rubric was not changed" });
    }
  });
  return h("div", {}, form, status);
}

function rubricItem(rubric, programme) {
  return h("li", { class: "list__item list__item--stack" },
    h("a", { class: "list__title list__link", href: `#/rubrics/${rubric.id}` }, rubric.title),
    h("ul", { class: "version-list" }, rubric.versions.map((version) => h("li", {},
      `Version ${version.version} `, statusBadge(version),
      version.id === programme.rubric_version_id ? h("span", { class: "list__meta" }, "In use by this programme") : null))));
}

function detailsForm({ url, programme, onSaved }) {
  return programmeDetailsForm({
    id: "programme-details",
    heading: "Name and description",
    descriptionLabel: "Description",
    submitLabel: "Save name and description",
    failure: "The programme was not saved",
    initial: programme,
    send: (body) => api.patch(url, body),
    onDone: (saved, { status }) => {
      onSaved(saved);
      const notice = alertBox("success", null, "Saved.");
      replaceChildren(status, notice);
      notice.focus();
    },
  }).element;
}

export async function render(main, { params }) {
  const membership = currentMembership();
  if (!membership || !hasRole(membership, "lead")) {
    append(main, h("h1", {}, title), alertBox("info", null, "Programmes are set up by implementation leads."));
    return null;
  }
  const base = `/organisations/${membership.organisation_id}`;
  const url = `${base}/programmes/${params.id}`;
  let programme;
  let settings;
  try {
    [programme, settings] = await Promise.all([api.get(url), api.get(`${url}/review-settings`)]);
  } catch (error) {
    append(main, h("h1", {}, title), alertBox("error", "The programme could not be loaded", error.message));
    return null;
  }
  main.classList.add("page--wide");
  const heading = h("h1", {}, programme.name);
  const inUse = section("Rubric in use", { intro: "The published rubric version this programme's recordings are scored against." });
  const rubricsPart = section("Rubrics", { intro: "Open a rubric to publish a draft, retire a version, export or compare versions." });

  async function loadRubrics(notice = null) {
    const rubrics = await api.getAll(`${base}/rubrics?programme_id=${programme.id}`);
    await fill(inUse, async () => [notice, rubricChoice({ url, programme, rubrics, onChosen: chosen })]);
    await fill(rubricsPart, async () => listOrEmpty(rubrics.map((rubric) => rubricItem(rubric, programme)), "No rubrics yet: import one."));
    if (notice) notice.focus();
  }

  function chosen(saved) {
    programme = saved;
    loadRubrics(alertBox("success", null, `New observations are scored against ${inUseText(saved)}.`));
  }

  const imports = importForm({
    base,
    programmeId: programme.id,
    onImported: (rubric) => loadRubrics(alertBox("success", null,
      h("p", {}, `${rubric.title} imported as a draft. `, h("a", { class: "notice-link", href: `#/rubrics/${rubric.id}` }, `Open ${rubric.title}`), " to compare and publish it."))),
  });
  append(main,
    h("p", { class: "breadcrumb" }, h("a", { href: "#/programmes" }, "All programmes")),
    heading,
    programme.description ? h("p", { class: "lede" }, programme.description) : null,
    organisationNav("/programmes"),
    h("div", { class: "grid grid--main-side" },
      h("div", { class: "stack" }, inUse.element, rubricsPart.element, reviewSettingsForm({ url: `${url}/review-settings`, settings })),
      h("div", { class: "stack" }, imports, detailsForm({ url, programme, onSaved: (saved) => {
        programme = saved;
        heading.textContent = saved.name;
      } }))));
  loadRubrics().catch((error) => inUse.fail(error, () => loadRubrics()));
  return () => main.classList.remove("page--wide");
}
