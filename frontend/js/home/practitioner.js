// A practitioner's home: their recordings and where feedback, objectives and bookings go.
import { api } from "../api.js";
import { h } from "../dom.js";
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
  return [
    recordings.element,
    comingSoon("Feedback waiting", "When your coach scores a recording or answers a reflection, it appears here."),
    comingSoon("My objectives", "The learning objectives you agree with your coach appear here."),
    comingSoon("Next sessions", "Your coaching and supervision sessions appear here once they are booked in Tandem."),
  ];
}
