// How a rubric version's status reads wherever versions are listed.
import { h } from "../dom.js";

const STATUS_WORDS = { draft: "Draft", published: "Published", retired: "Retired" };

export function statusBadge(version) {
  return h("span", { class: `status status--rubric-${version.status}` }, STATUS_WORDS[version.status] || version.status);
}

export function versionName(rubric, version) {
  return `${rubric.title}, version ${version.version}`;
}
