// A practitioner's home: their recordings, feedback, objectives and next sessions.
import { api } from "../api.js";
import { h } from "../dom.js";
import { formatDate } from "../format.js";
import { objectiveSummary } from "../objectives/view.js";
import { queuedOnHome } from "../uploads/on-home.js";
import { asList, fill, listOrEmpty, recordingItem, section } from "./section.js";
import { practitionerSessions } from "./sessions.js";

/** One submitted observation: which recording, who scored it, when, its score and verdict,
 * linking to the review screen. */
function feedbackItem(observation) {
  const percent = observation.weighted_percent === null ? "No score" : `${observation.weighted_percent.toFixed(1)} %`;
  const verdict = observation.meets_fidelity ? "Meets fidelity" : "Below fidelity";
  const scored = `Scored by ${observation.rater_name || "a former coach"} on ${formatDate(observation.submitted_at)}`;
  return h(
    "li",
    { class: "list__item" },
    h("div", {},
      h("a", { class: "list__title list__link", href: `#/recordings/${observation.recording_id}` }, observation.recording_title || "Recording"),
      h("span", { class: "list__meta" }, scored),
      h("span", { class: "list__meta" }, `${percent} · ${verdict}`),
    ),
  );
}

export function practitionerSections(membership, me) {
  const recordings = section("My recordings", {
    action: h("div", { class: "actions" },
      h("a", { class: "button", href: "#/upload" }, "Upload a recording"),
      h("a", { class: "button button--secondary", href: "#/recordings" }, "Find a recording")),
  });
  fill(recordings, async () => {
    // Uploads still on this device say where they are in the upload screen's words.
    const queued = queuedOnHome(membership.organisation_id);
    let all;
    try {
      all = asList(await api.get(`/recordings?organisation_id=${membership.organisation_id}`));
    } catch (error) {
      if (queued.elements.length === 0) throw error;
      return [listOrEmpty(queued.elements, ""), h("p", { class: "muted" }, `Your other recordings could not be loaded. ${error.message}`)];
    }
    const mine = all.filter((recording) => recording.owner_user_id === me.id && !queued.recordingIds.has(recording.id));
    return listOrEmpty([...queued.elements, ...mine.map((recording) => recordingItem(recording))], "You have not uploaded any recordings yet.");
  });
  const objectives = section("My objectives", {
    action: h("div", { class: "actions" }, h("a", { class: "button button--secondary", href: "#/objectives" }, "See all objectives")),
  });
  fill(objectives, async () => {
    const all = await api.getAll(`/organisations/${membership.organisation_id}/objectives?practitioner_user_id=${me.id}`);
    const current = all.filter((o) => o.status === "open" || o.status === "in_progress");
    return listOrEmpty(
      current.map((o) => h("li", { class: "list__item" }, h("span", { class: "list__title" }, o.title), objectiveSummary(o))),
      "No open learning objectives. The ones you agree with your coach appear here.",
    );
  });
  const feedback = section("Feedback waiting", {
    intro: "Scores your coaches have submitted on your recordings, newest first.",
  });
  fill(feedback, async () => {
    const submitted = await api.get(
      `/organisations/${membership.organisation_id}/observations?practitioner_user_id=${me.id}&status=submitted&limit=5`,
    );
    return listOrEmpty(submitted.map(feedbackItem), "No scores yet. When a coach scores one of your recordings, it appears here.");
  });
  const trend = section("My fidelity trend", {
    intro: "The mean score of your scored recordings each month, over the last year.",
  });
  fill(trend, async () => {
    const { fidelityTrend } = await import("../reports/fidelity.js");
    return fidelityTrend(membership.organisation_id, me.id);
  });
  return [
    recordings.element,
    feedback.element,
    trend.element,
    objectives.element,
    practitionerSessions(membership, me),
  ];
}
