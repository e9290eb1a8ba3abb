// Review a recording: the player with its comment timeline and, beside it on wide screens or
// in tabs on a phone, the comments, the rubric scoring (coach) or the submitted observation
// (practitioner), the reflection and the learning objectives. A guest reviewer gets the
// player and the comments only; a lead also gets who can see the recording and its second
// raters, in panels that stay shut until opened.
import { api, ApiError } from "../api.js";
import { alertBox, append, h, replaceChildren } from "../dom.js";
import { formatDate, formatDuration } from "../format.js";
import { currentMe, displayName, hasRole } from "../me.js";
import { createAccessPanel } from "../review/access-panel.js";
import { createComments } from "../review/comments.js";
import { createConsentPanel, createDeletePanel } from "../review/consent-panel.js";
import { createObjectivesPanel } from "../review/objectives-panel.js";
import { createPlayer } from "../review/player.js";
import { createReflectionPanel } from "../review/reflection.js";
import { publishedVersionFor } from "../review/rubric.js";
import { createScorePanel } from "../review/score-panel.js";
import { createSecondRatersPanel } from "../review/second-raters-panel.js";
import { installShortcuts } from "../review/shortcuts.js";
import { tabbedPanels } from "../review/tabs.js";
import { navigate } from "../router.js";

export const title = "Review";

async function memberNames(organisationId) {
  try {
    const members = await api.getAll(`/organisations/${organisationId}/members`);
    return new Map(members.map((m) => [m.user_id, displayName(m)]));
  } catch {
    return new Map();
  }
}

// The practitioner sees who else a lead let watch their recording, and why.
function grantsNotice(grants, names) {
  if (grants.length === 0) return null;
  const items = grants.map((grant) => {
    const who = names.get(grant.user_id) || "A member of your organisation";
    return h("li", {}, grant.reason ? `${who}: ${grant.reason}` : who);
  });
  return alertBox("info", "Also allowed to watch this recording", h("ul", {}, items));
}

// A lead watches a recording only through a grant to themselves, with a reason the
// practitioner is shown; the grant is audited.
function watchWithReason(recording, me) {
  const reason = h("textarea", { class: "input", id: "watch-reason", rows: "3", maxlength: "500", "aria-describedby": "watch-reason-hint" });
  const status = h("div", {});
  const form = h("form", { class: "reply-form", novalidate: true },
    h("h2", {}, "Watch it as a lead"),
    h("label", { for: reason.id }, "Why do you need to watch this recording?"),
    h("p", { class: "muted", id: "watch-reason-hint" }, "The practitioner will see your name and this reason. Your viewing is recorded in the audit trail."),
    reason,
    status,
    h("div", { class: "actions" }, h("button", { class: "button", type: "submit" }, "Give me access")),
  );
  reason.addEventListener("input", () => replaceChildren(status));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!reason.value.trim()) {
      replaceChildren(status, h("p", { class: "field-error" }, "Say why you need to watch it."));
      reason.focus();
      return;
    }
    try {
      await api.post(`/recordings/${recording.id}/access-grants`, { user_id: me.id, reason: reason.value.trim() });
      window.location.reload();
    } catch (error) {
      replaceChildren(status, alertBox("error", "Access was not given", error.message));
    }
  });
  return form;
}

// The lead's panels: who can see the recording, and its second raters.
async function managePanels(recording, me) {
  const base = `/organisations/${recording.organisation_id}`;
  try {
    const [members, organisation] = await Promise.all([api.getAll(`${base}/members`), api.get(base)]);
    return h("div", { class: "stack review__manage" },
      createAccessPanel({ recording, members, zone: organisation.time_zone, me }),
      createSecondRatersPanel({ recording, members }),
      consentPanel(recording));
  } catch (error) {
    return alertBox("error", "Who can see this recording could not be loaded", error.message);
  }
}

// The practitioner and leads see the family's consent and may withdraw it, or delete the
// recording; the screen then shows the recording as it now is (erased).
function consentPanel(recording) {
  const reopen = () => navigate(`/recordings/${recording.id}`);
  return [createConsentPanel({ recording, onWithdrawn: reopen }), createDeletePanel({ recording, onDeleted: reopen })];
}

function erasedMessage(recording) {
  const withdrawn = recording.consent && recording.consent.withdrawn_at;
  if (withdrawn) return `The family withdrew consent on ${formatDate(withdrawn)}: the video and its poster frame were erased. The record of the session stays.`;
  if (recording.deleted_reason === "deleted") return `This recording was deleted on ${formatDate(recording.deleted_at)}: the video and its poster frame were erased. The record of the session stays.`;
  return "This recording's video was erased. The record of the session stays.";
}

function notReviewable(main, heading, message) {
  append(main, h("h1", {}, heading), alertBox("info", null, message),
    h("div", { class: "actions" }, h("a", { class: "button", href: "#/" }, "Go to your home screen")));
}

export async function render(main, { params, query }) {
  let recording;
  try {
    recording = await api.get(`/recordings/${encodeURIComponent(params.id)}`);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 422)) {
      notReviewable(main, "Recording not found", "There is no recording at this address that you may see.");
      return null;
    }
    throw error;
  }
  const me = currentMe();
  const membership = me.memberships.find((m) => m.organisation_id === recording.organisation_id);
  const isOwner = recording.owner_user_id === me.id;
  if (recording.status === "deleted") {
    notReviewable(main, recording.title, erasedMessage(recording));
    return null;
  }
  if (recording.status !== "ready") {
    notReviewable(main, recording.title, `This recording is ${recording.status}. It can be reviewed once it is ready.`);
    return null;
  }
  if (!recording.can_view_media) {
    notReviewable(main, recording.title, "You can see that this recording exists, but only the practitioner, their coaches and people a lead grants access may play and review it.");
    if (hasRole(membership, "lead")) {
      main.querySelector(".actions").before(watchWithReason(recording, me));
      append(main, await managePanels(recording, me));
    }
    return null;
  }
  import("../recordings/seen.js").then(({ markSeen }) => markSeen(recording.id)); // its comments are read now: lists stop counting them as unread
  if (hasRole(membership, "guest")) return renderForGuest(main, recording, me);
  main.classList.add("page--wide");
  // The heading and the player show at once; the panels follow with the names and rubric.
  const lede = h("p", { class: "lede" }, [formatDate(recording.recorded_at || recording.created_at), formatDuration(recording.duration_seconds)].filter(Boolean).join(" · "));
  const player = createPlayer(recording);
  const mainColumn = h("div", { class: "review__col review__col--main" }, player.element);
  const layout = h("div", { class: "review", "aria-busy": "true" }, mainColumn);
  append(main, h("h1", {}, recording.title), lede, layout);

  const [names, version] = await Promise.all([
    memberNames(recording.organisation_id),
    publishedVersionFor(recording).catch(() => null),
  ]);
  // The person moved on while the names and rubric were on their way: draw nothing more
  // (the next screen is in `main` now), and let the router stop the player.
  if (!layout.isConnected) return () => player.destroy();
  const ownerName = isOwner ? "You" : names.get(recording.owner_user_id) || "The practitioner";
  if (!isOwner) lede.prepend(`${ownerName} · `);
  if (isOwner) {
    const notice = grantsNotice(recording.access_grants || [], names);
    if (notice) lede.after(notice);
  }
  // A calibration exercise's rater (a lead may be one) scores here too, blind.
  const calibration = query && query.get("calibration");
  const mayScore = !isOwner && (hasRole(membership, "coach") || Boolean(calibration));
  if (calibration) {
    lede.after(alertBox("info", "Calibration exercise",
      "Score every criterion on your own: other raters' scores and comments stay hidden until the exercise closes. ",
      h("a", { href: `#/calibration/${encodeURIComponent(calibration)}` }, "Back to the exercise")));
  }

  // The practitioner and their coaches keep the learning objectives (the API decides).
  const mayLink = !calibration && (isOwner || hasRole(membership, "coach"));
  const comments = createComments({ recording, player, criteria: version ? version.criteria : [], me, mayLink });
  const score = createScorePanel({ recording, version, me, names, mayScore, mayLink });
  const reflection = createReflectionPanel({ recording, isOwner, ownerName });
  const objectives = createObjectivesPanel({ recording, version });
  const tabs = tabbedPanels("Review", [
    { id: "comments", title: "Comments", content: comments.element },
    { id: "score", title: mayScore ? "Score" : "Observation", content: score.element },
    { id: "reflection", title: "Reflection", content: reflection.element },
    { id: "objectives", title: "Objectives", content: objectives.element },
  ]);
  const [commentsPanel, ...sidePanels] = tabs.panels;
  const shortcuts = installShortcuts({
    player,
    comment: () => {
      tabs.select("comments");
      comments.start();
    },
  });
  append(mainColumn, shortcuts.element, commentsPanel);
  append(layout, tabs.tablist, h("div", { class: "review__col review__col--side" }, sidePanels));
  layout.removeAttribute("aria-busy");
  if (hasRole(membership, "lead")) {
    const panels = await managePanels(recording, me);
    if (layout.isConnected) append(main, panels);
  } else if (isOwner) append(main, h("div", { class: "stack review__manage" }, consentPanel(recording)));
  comments.load();
  score.load();
  reflection.load();
  objectives.load();
  return () => {
    main.classList.remove("page--wide");
    shortcuts.remove();
    player.destroy();
  };
}

// A guest reviewer (an external expert) watches and comments: the organisation's rubric,
// observations, reflection and objectives are not theirs to see.
function renderForGuest(main, recording, me) {
  main.classList.add("page--wide");
  const player = createPlayer(recording);
  const lede = h("p", { class: "lede" }, [formatDate(recording.recorded_at || recording.created_at), formatDuration(recording.duration_seconds)].filter(Boolean).join(" · "));
  const comments = createComments({ recording, player, criteria: [], me });
  const shortcuts = installShortcuts({ player, comment: () => comments.start() });
  append(main, h("h1", {}, recording.title), lede,
    h("div", { class: "review review--guest" },
      h("div", { class: "review__col review__col--main" }, player.element, shortcuts.element,
        h("section", { class: "tab-panel", "aria-label": "Comments" }, comments.element))));
  comments.load();
  return () => {
    main.classList.remove("page--wide");
    shortcuts.remove();
    player.destroy();
  };
}
