// A practitioner's home: their recordings and where feedback, objectives and bookings go.
import { api } from "../api.js";
import { h } from "../dom.js";
import { objectiveSummary } from "../objectives/view.js";
import { asList, comingSoon, fill, listOrEmpty, recordingItem, section } from "./section.js";

export function practitionerSections(membership, me) {
  const recordings = section("My recordings", {
    action: h("div", { class: "actions" }, h("a", { class: "button", href: "#/upload" }, "Upload a recording")),
  });
  fill(recordings, async () => {
    const all = asList(await api.get(`/recordings?organisation_id=${membership.organisation_id}`));
    const mine = all.filter((recording) => recording.owner_user_id === me.id);
    return listOrEmpty(mine.map((recording) => recordingItem(recording)), "You have not uploaded any recordings yet.");
  });
  const objectives = section("My objectives", {
    action: h("div", { class: "actions" }, h("a", { class: "button button--secondary", href: "#/objectives" }, "See all objectives")),
  });
  fill(objectives, async () => {
    const all = await api.get(`/organisations/${membership.organisation_id}/objectives?practitioner_user_id=${me.id}`);
    const current = all.filter((o) => o.status === "open" || o.status === "in_progress");
    return listOrEmpty(
      current.map((o) => h("li", { class: "list__item" }, h("span", { class: "list__title" }, o.title), objectiveSummary(o))),
      "No open learning objectives. The ones you agree with your coach appear here.",
    );
  });
  return [
    recordings.element,
    comingSoon("Feedback waiting", "When your coach scores a recording or answers a reflection, it appears here."),
    objectives.element,
    comingSoon("Next sessions", "Your coaching and supervision sessions appear here once they are booked in Tandem."),
  ];
}
