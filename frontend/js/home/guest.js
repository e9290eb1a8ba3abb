// A guest reviewer's home: the recordings a lead shared with them, each with the day their
// access ends, opening the recording to watch and comment.
import { api } from "../api.js";
import { h } from "../dom.js";
import { expiryWords } from "../review/access-panel.js";
import { asList, fill, listOrEmpty, section } from "./section.js";

// The guest may not read the organisation's settings, so its time zone is not theirs to
// know: their access ends are shown in the zone of their own device.
const OWN_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

function sharedItem(recording) {
  const title = recording.status === "ready"
    ? h("a", { class: "list__title list__link", href: `#/recordings/${recording.id}` }, recording.title)
    : h("span", { class: "list__title" }, recording.title);
  return h("li", { class: "list__item" },
    h("div", {}, title, h("span", { class: "list__meta" }, expiryWords(recording.grant_expires_at, OWN_ZONE))));
}

export function guestSections(membership) {
  const shared = section("Shared with you", { intro: "Recordings a lead asked you to review. Watch them and add your comments until your access ends." });
  fill(shared, async () => {
    const recordings = asList(await api.get(`/recordings?organisation_id=${membership.organisation_id}`));
    return listOrEmpty(recordings.map(sharedItem), "Nothing is shared with you at the moment.");
  });
  return [shared.element];
}
