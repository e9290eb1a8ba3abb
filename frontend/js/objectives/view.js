// One learning objective as people read it: status, target date, criteria with progress,
// progress notes and evidence (observations and comments, linked to their review screen).
import { api } from "../api.js";
import { h } from "../dom.js";
import { formatDate } from "../format.js";

export const STATUS_LABELS = { open: "Open", in_progress: "In progress", achieved: "Achieved", dropped: "Dropped" };
const STATUS_CLASSES = { open: "waiting", in_progress: "processing", achieved: "done", dropped: "rejected" };

export function statusBadge(status) {
  return h("span", { class: `status status--${STATUS_CLASSES[status] || "waiting"}` }, STATUS_LABELS[status] || status);
}

export function criteriaList(objective) {
  if (!objective.criteria.length) return null;
  return h("ul", { class: "criteria-progress" }, objective.criteria.map((c) =>
    h("li", {}, h("span", { class: "tag" }, c.code), ` ${c.title}: target level ${c.target_level}, reached in ${c.reached_in_window} of the last ${c.ready_window} observations`)));
}

/** Evidence items link to the recording they come from once that is looked up. */
export function evidenceList(objective) {
  if (!objective.evidence.length) return h("p", { class: "muted" }, "No evidence linked yet.");
  return h("ul", { class: "list" }, objective.evidence.map((item) => {
    const label = item.kind === "observation" ? "Observation" : "Comment";
    const slot = h("span", { class: "list__title" }, label);
    const path = item.kind === "observation" ? `/observations/${item.ref_id}` : `/comments/${item.ref_id}`;
    api.get(path).then((found) => {
      slot.replaceChildren(h("a", { href: `#/recordings/${found.recording_id}` }, `${label} of a recording`));
    }).catch(() => {});
    return h("li", { class: "list__item" }, h("div", {}, slot, item.note ? h("span", { class: "list__meta" }, item.note) : null, h("span", { class: "list__meta" }, `Added ${formatDate(item.created_at)}`)));
  }));
}

export function objectiveSummary(objective) {
  return h("div", { class: "objective__summary" },
    statusBadge(objective.status),
    objective.target_date ? h("span", { class: "muted" }, ` Target ${formatDate(objective.target_date)}`) : null,
    objective.ready_to_mark_achieved && objective.status !== "achieved"
      ? h("span", { class: "status status--done" }, "Ready to mark achieved")
      : null,
  );
}
