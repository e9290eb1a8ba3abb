// A calibration exercise in a list: its title, recording and how far it has got.
import { h } from "../dom.js";
import { formatDate } from "../format.js";

export function exerciseItem(exercise) {
  const submitted = exercise.raters.filter((rater) => rater.submitted).length;
  const state = exercise.status === "open" ? `Open: ${submitted} of ${exercise.raters.length} raters submitted` : `Closed ${formatDate(exercise.closed_at)}`;
  return h("li", { class: "list__item" },
    h("div", {},
      h("a", { class: "list__title list__link", href: `#/calibration/${exercise.id}` }, exercise.title),
      h("span", { class: "list__meta" }, `${recordingTitle(exercise)} · ${state}`)));
}

// No title once the family withdrew consent to the recording: raters are not told it.
export function recordingTitle(exercise) {
  return exercise.recording_title ?? "Recording erased";
}
