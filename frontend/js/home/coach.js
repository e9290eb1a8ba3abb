// A coach's home: recordings waiting for their review (ready, of their practitioners, with no
// observation they submitted), and the practitioners they coach.
import { api } from "../api.js";
import { h } from "../dom.js";
import { displayName } from "../me.js";
import { asList, fill, listOrEmpty, recordingItem, section } from "./section.js";
import { coachWeek } from "./sessions.js";
import { exerciseItem } from "../calibration/item.js";

/** The practitioners assigned to this person as `kind` (coach or supervisor), with names. */
export async function assignedPractitioners(membership, me, kind) {
  const base = `/organisations/${membership.organisation_id}`;
  const [assignments, members] = await Promise.all([
    api.getAll(`${base}/assignments?user_id=${me.id}`),
    api.getAll(`${base}/members`),
  ]);
  const ids = new Set(
    assignments.filter((a) => a.kind === kind && a.staff_user_id === me.id).map((a) => a.practitioner_user_id),
  );
  return members.filter((member) => ids.has(member.user_id));
}

export function practitionerList(people, emptyText) {
  return listOrEmpty(
    people.map((person) =>
      h("li", { class: "list__item" }, h("div", {}, h("span", { class: "list__title" }, displayName(person)), h("span", { class: "list__meta" }, person.email))),
    ),
    emptyText,
  );
}

/** Open calibration exercises this coach has still to score; no section when there are none
 * (nor when they cannot be loaded: the exercise screen says why). */
function calibrationSection(membership, me) {
  const part = section("Calibration exercises to score");
  part.element.hidden = true;
  api.getAll(`/organisations/${membership.organisation_id}/calibration-exercises`).then((exercises) => {
    const open = exercises.filter((exercise) => exercise.status === "open" && exercise.i_am_rater && !exercise.raters.some((rater) => rater.submitted && rater.user_id === me.id));
    if (!open.length) {
      part.element.remove();
      return;
    }
    part.show(listOrEmpty(open.map(exerciseItem), ""));
    part.element.hidden = false;
  }).catch(() => part.element.remove());
  return part.element;
}

export function coachSections(membership, me) {
  const waiting = section("Recordings waiting for review", {
    action: h("div", { class: "actions" }, h("a", { class: "button button--secondary", href: "#/recordings" }, "Find a recording")),
  });
  const replies = section("New comments", { intro: "Recordings you have reviewed with comments you have not seen yet." });
  const mine = section("My practitioners");
  const people = assignedPractitioners(membership, me, "coach");
  fill(mine, async () => practitionerList(await people, "No practitioners are assigned to you yet. Your implementation lead assigns them."));
  // Comments need a ready recording, so both lists come from the ready ones.
  const lists = (async () => {
    const coached = await people;
    const names = new Map(coached.map((person) => [person.user_id, displayName(person)]));
    const [ready, done] = await Promise.all([
      api.get(`/recordings?organisation_id=${membership.organisation_id}&status=ready`).then(asList),
      api.get(`/organisations/${membership.organisation_id}/observations?rater_user_id=${me.id}&status=submitted&limit=200`),
    ]);
    const reviewed = new Set(done.map((observation) => observation.recording_id));
    const theirs = ready.filter((r) => names.has(r.owner_user_id));
    const item = (r) => recordingItem(r, names.get(r.owner_user_id));
    return {
      waiting: theirs.filter((r) => !reviewed.has(r.id)).map(item),
      replies: theirs.filter((r) => reviewed.has(r.id) && r.unread_comments > 0).map(item),
    };
  })();
  fill(waiting, async () => listOrEmpty((await lists).waiting, "Nothing is waiting for you. New recordings from your practitioners appear here."));
  fill(replies, async () => listOrEmpty((await lists).replies, "No new comments on the recordings you have reviewed."));
  return [waiting.element, replies.element, calibrationSection(membership, me), coachWeek(membership, me), mine.element];
}
