// One rubric, for its lead: its versions with their status, publishing a draft (after a
// confirmation saying what publishing changes), retiring a version, exporting one as CSV
// or JSON, and comparing any two versions of the programme's rubrics.
import { API, api } from "../api.js";
import { alertBox, append, h, replaceChildren } from "../dom.js";
import { formatDate } from "../format.js";
import { currentMembership, hasRole } from "../me.js";
import { organisationNav } from "../members/layout.js";
import { compareForm } from "../rubrics/compare-view.js";
import { statusBadge } from "../rubrics/versions.js";

export const title = "Rubric";

/** What publishing `version` changes, in the words the confirmation uses. */
export function publishingSays(rubric, version, programme) {
  const published = rubric.versions.find((v) => v.status === "published");
  const inUse = programme.rubric_in_use;
  const parts = [`Publish version ${version.version} of ${rubric.title}? It can never be edited again.`];
  if (published) parts.push(`Version ${published.version} will be retired: kept for the observations made with it, no longer used for new ones.`);
  if (!inUse || inUse.rubric_id === rubric.id) parts.push(`${programme.name} scores new observations against this version from now on.`);
  else parts.push(`${programme.name} keeps scoring against ${inUse.rubric_title} until you choose this rubric on the programme's page.`);
  return parts.join(" ");
}

function dates(version) {
  const when = [`created ${formatDate(version.created_at)}`];
  if (version.published_at) when.push(`published ${formatDate(version.published_at)}`);
  if (version.retired_at) when.push(`retired ${formatDate(version.retired_at)}`);
  return when.join(", ");
}

function versionItem(version, { rubric, programme, base, act }) {
  const path = `${base}/rubrics/${rubric.id}/versions/${version.version}`;
  const whose = `version ${version.version}`;
  const button = (label, kind, onClick) => h("button", { class: `button button--small ${kind}`, type: "button", on: { click: onClick } }, label, h("span", { class: "visually-hidden" }, ` ${whose}`));
  const actions = [];
  if (version.status === "draft") {
    actions.push(button("Publish", "", () => window.confirm(publishingSays(rubric, version, programme)) && act(`${path}/publish`, `Version ${version.version} is published.`, version)));
  }
  if (version.status === "published") {
    actions.push(button("Retire", "button--secondary", () => window.confirm(`Retire version ${version.version} of ${rubric.title}? No new observations will use it.`) && act(`${path}/retire`, `Version ${version.version} is retired.`, version)));
  }
  actions.push(
    h("a", { class: "button button--small button--secondary", href: `${API}${path}/export/csv`, download: "" }, "Export CSV", h("span", { class: "visually-hidden" }, ` of ${whose}`)),
    h("a", { class: "button button--small button--secondary", href: `${API}${path}/export/json`, download: "" }, "Export JSON", h("span", { class: "visually-hidden" }, ` of ${whose}`)));
  return h("li", { class: "list__item list__item--stack", id: `version-${version.version}`, tabindex: "-1" },
    h("div", {},
      h("span", { class: "list__title" }, `Version ${version.version} `), statusBadge(version),
      version.id === programme.rubric_version_id ? h("span", { class: "list__meta" }, `In use by ${programme.name}`) : null,
      h("span", { class: "list__meta" }, dates(version))),
    h("div", { class: "actions" }, actions));
}

export async function render(main, { params }) {
  const membership = currentMembership();
  if (!membership || !hasRole(membership, "lead")) {
    append(main, h("h1", {}, title), alertBox("info", null, "Rubrics are managed by implementation leads."));
    return null;
  }
  main.classList.add("page--wide");
  const base = `/organisations/${membership.organisation_id}`;
  const versionsBox = h("div", { "aria-live": "polite" });
  const compareBox = h("div", {});

  async function load(notice = null) {
    const rubric = await api.get(`${base}/rubrics/${params.id}`);
    const [programme, siblings] = await Promise.all([
      api.get(`${base}/programmes/${rubric.programme_id}`),
      api.getAll(`${base}/rubrics?programme_id=${rubric.programme_id}`),
    ]);
    const act = async (path, done) => {
      try {
        await api.post(path);
        await load(alertBox("success", null, done));
      } catch (error) {
        await load(alertBox("error", "Nothing changed", error.message));
      }
    };
    const items = rubric.versions.map((version) => versionItem(version, { rubric, programme, base, act }));
    replaceChildren(versionsBox, notice, h("ul", { class: "list" }, items));
    if (notice) notice.focus();
    const choices = siblings.flatMap((other) => other.versions.map((version) => ({ rubric: other, version })));
    const latest = rubric.versions[rubric.versions.length - 1];
    const inUse = programme.rubric_version_id && programme.rubric_version_id !== latest.id ? programme.rubric_version_id : (rubric.versions[rubric.versions.length - 2] || latest).id;
    replaceChildren(compareBox, compareForm({ base, choices, from: inUse, to: latest.id }));
    return { rubric, programme };
  }

  let loaded;
  try {
    loaded = await load();
  } catch (error) {
    append(main, h("h1", {}, title), alertBox("error", "The rubric could not be loaded", error.message));
    return () => main.classList.remove("page--wide");
  }
  const { rubric, programme } = loaded;
  append(main,
    h("p", { class: "breadcrumb" }, h("a", { href: `#/programmes/${programme.id}` }, programme.name)),
    h("h1", {}, rubric.title),
    h("p", { class: "lede" }, `A rubric of ${programme.name}. Publishing a draft freezes it; retiring a version keeps it for the observations made with it.`),
    organisationNav("/programmes"),
    h("div", { class: "grid grid--main-side" },
      h("div", { class: "stack" }, h("section", { class: "card", "aria-labelledby": "versions-heading" }, h("h2", { id: "versions-heading" }, "Versions"), versionsBox)),
      h("div", { class: "stack" }, compareBox)));
  return () => main.classList.remove("page--wide");
}
