// Comments at moments of the recording: add one at the current moment (the player pauses
// while you type), or over a span (its end marked as the recording plays on), tag it with a
// criterion, go to a comment's moment, reply and resolve. After each action focus stays
// where the person was: on the comment box after adding, on the same control of the same
// comment after replying, resolving or reopening.
import { api } from "../api.js";
import { alertBox, announce, h, replaceChildren, uniqueId } from "../dom.js";
import { formatClock } from "../format.js";
import { evidenceLink } from "./evidence-link.js";
import { createTimeline, momentWords } from "./timeline.js";

function errorText(error) {
  return error && error.message ? error.message : "Something went wrong. Try again.";
}

/** `mayLink`: the person may link comments as evidence to the practitioner's objectives. */
export function createComments({ recording, player, criteria, me, mayLink = false }) {
  const titles = new Map(criteria.map((c) => [c.code, c.title]));
  const list = h("ol", { class: "comments", "aria-label": "Comments by moment" });
  const status = h("div", { "aria-live": "polite" });
  let comments = [];
  let frozenAt = null; // seconds: the moment of the comment being written
  let endsAt = null; // seconds: the end of its span, when it has one

  function goTo(comment) {
    player.seek(comment.start_ms / 1000);
    player.reveal();
    for (const item of list.querySelectorAll(".comment--current")) item.classList.remove("comment--current");
    const item = list.querySelector(`[data-comment-id="${comment.id}"]`);
    if (item) item.classList.add("comment--current");
    announce(`At ${formatClock(comment.start_ms / 1000)}.`);
  }
  const timeline = createTimeline({ criteria, onChoose: goTo });
  player.setTimeline(timeline);

  const momentLabel = h("label", { for: "comment-body" }, "Comment at 00:00");
  const body = h("textarea", { class: "input", id: "comment-body", name: "body", rows: "3", maxlength: "4000" });
  const tag = h("select", { class: "input", id: "comment-criterion", name: "criterion" },
    h("option", { value: "" }, "No criterion"),
    criteria.map((c) => h("option", { value: c.code }, `${c.code} ${c.title}`)));
  const endWords = h("span", { class: "muted", "aria-live": "polite" }, "No end: a single moment.");
  const endButton = h("button", { class: "button button--secondary button--small", type: "button" }, "End the span here");
  const clearEndButton = h("button", { class: "button button--secondary button--small", type: "button", hidden: true }, "No end");
  const form = h("form", { class: "comment-form", novalidate: true },
    h("div", { class: "field" }, momentLabel, h("span", { class: "hint", id: "comment-hint" }, "The recording pauses while you type. To comment on a stretch of it, play on to where it ends and choose “End the span here”."), body),
    h("div", { class: "field comment-form__span" }, endWords, h("div", { class: "actions" }, endButton, clearEndButton)),
    criteria.length ? h("div", { class: "field" }, h("label", { for: tag.id }, "Criterion (optional)"), tag) : null,
    h("div", { class: "actions" },
      h("button", { class: "button", type: "submit" }, "Add comment"),
      h("button", { class: "button button--secondary", type: "reset" }, "Clear"),
    ),
  );
  body.setAttribute("aria-describedby", "comment-hint");

  function moment() {
    return frozenAt !== null ? frozenAt : player.currentTime();
  }
  function showMoment() {
    momentLabel.textContent = `Comment at ${formatClock(moment())}`;
  }
  function freeze() {
    if (frozenAt === null) frozenAt = player.currentTime();
    player.pause();
    showMoment();
  }
  function unfreeze() {
    frozenAt = null;
    showEnd(null);
    showMoment();
  }
  function showEnd(seconds) {
    endsAt = seconds;
    endWords.textContent = seconds === null ? "No end: a single moment." : `Ends at ${formatClock(seconds)}.`;
    clearEndButton.hidden = seconds === null;
  }
  endButton.addEventListener("click", () => {
    const start = moment();
    const now = player.currentTime();
    if (now <= start) {
      replaceChildren(status, alertBox("error", null, `Play on past ${formatClock(start)} to where the span ends, then choose “End the span here”.`));
      return;
    }
    frozenAt = start;
    replaceChildren(status);
    showEnd(now);
  });
  clearEndButton.addEventListener("click", () => {
    showEnd(null);
    endButton.focus();
  });
  player.media.addEventListener("timeupdate", () => frozenAt === null && showMoment());
  player.media.addEventListener("seeked", () => {
    if (frozenAt !== null && !body.value.trim() && endsAt === null) frozenAt = null;
    showMoment();
  });
  body.addEventListener("focus", freeze);
  body.addEventListener("input", freeze);
  form.addEventListener("reset", () => window.setTimeout(unfreeze));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = body.value.trim();
    if (!text) {
      replaceChildren(status, alertBox("error", null, "Write the comment first."));
      body.focus();
      return;
    }
    const at = moment();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await api.post(`/recordings/${recording.id}/comments`, {
        start_ms: Math.round(at * 1000),
        end_ms: endsAt === null ? null : Math.round(endsAt * 1000),
        body: text,
        criterion_code: tag.value || null,
      });
      form.reset();
      replaceChildren(status);
      announce(`Comment added at ${formatClock(at)}.`);
      await load();
      // Ready for the next comment, where the person already is.
      unfreeze();
      body.focus({ preventScroll: true });
    } catch (error) {
      replaceChildren(status, alertBox("error", "The comment was not saved", errorText(error)));
    } finally {
      button.disabled = false;
    }
  });

  // Which control of which comment has focus, to find it again once the list is redrawn.
  function focusedPlace() {
    const active = document.activeElement;
    const item = active && active.closest ? active.closest("[data-comment-id]") : null;
    if (!item || !list.contains(item)) return null;
    return { id: item.dataset.commentId, action: active.dataset.action || null };
  }
  function restoreFocus(place) {
    if (!place) return;
    const item = list.querySelector(`[data-comment-id="${place.id}"]`);
    const control = item && (item.querySelector(`[data-action="${place.action}"]`) || item.querySelector("[data-action=seek]"));
    if (control) control.focus({ preventScroll: true });
    else list.querySelector("[data-action=seek]")?.focus({ preventScroll: true });
  }

  // `place` is where focus goes back to: the control of the comment acted on.
  async function act(request, message, place = focusedPlace()) {
    try {
      await request();
      if (message) announce(message);
      await load();
      restoreFocus(place);
    } catch (error) {
      replaceChildren(status, alertBox("error", null, errorText(error)));
    }
  }

  function replyForm(comment) {
    const id = uniqueId("reply");
    const text = h("textarea", { class: "input", id, rows: "2", maxlength: "4000" });
    const replyStatus = h("div", {});
    const element = h("form", { class: "reply-form", novalidate: true, hidden: true },
      h("label", { for: id }, `Reply to ${comment.author_name || "this comment"}`),
      text,
      replyStatus,
      h("div", { class: "actions" }, h("button", { class: "button", type: "submit" }, "Send reply")),
    );
    element.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!text.value.trim()) {
        replaceChildren(replyStatus, h("p", { class: "field-error" }, "Write the reply first."));
        text.focus();
        return;
      }
      await act(() => api.post(`/comments/${comment.id}/replies`, { body: text.value.trim() }), "Reply sent.", { id: comment.id, action: "reply" });
    });
    return { element, text };
  }

  function commentItem(comment) {
    const reply = replyForm(comment);
    const link = mayLink && !comment.deleted
      ? evidenceLink({ recording, kind: "comment", refId: comment.id, note: `Comment at ${momentWords(comment)}: ${comment.body.slice(0, 200)}`, what: "this comment" })
      : null;
    const replyButton = h("button", { class: "button button--secondary button--small", type: "button", "aria-expanded": "false", "data-action": "reply" }, "Reply");
    replyButton.addEventListener("click", () => {
      const open = reply.element.hidden;
      reply.element.hidden = !open;
      replyButton.setAttribute("aria-expanded", String(open));
      if (open) reply.text.focus();
    });
    const resolveButton = h("button", { class: "button button--secondary button--small", type: "button", "data-action": "resolve" }, comment.resolved ? "Reopen" : "Resolve");
    resolveButton.addEventListener("click", () =>
      act(() => api.post(`/comments/${comment.id}/${comment.resolved ? "unresolve" : "resolve"}`), comment.resolved ? "Comment reopened." : "Comment resolved.", { id: comment.id, action: "resolve" }));
    const mine = comment.author_user_id === me.id && !comment.deleted;
    const deleteButton = mine
      ? h("button", { class: "button button--danger button--small", type: "button", "data-action": "delete" }, "Delete")
      : null;
    if (deleteButton) deleteButton.addEventListener("click", () => act(() => api.delete(`/comments/${comment.id}`), "Comment deleted.", { id: comment.id, action: "seek" }));
    const seekButton = h("button", { class: "comment__time", type: "button", "aria-label": `Go to ${momentWords(comment)}`, "data-action": "seek" }, momentWords(comment));
    seekButton.addEventListener("click", () => goTo(comment));
    return h("li", { class: comment.resolved ? "comment comment--resolved" : "comment", "data-comment-id": comment.id },
      h("div", { class: "comment__head" },
        seekButton,
        h("span", { class: "comment__author" }, comment.author_name || "Someone who left"),
        comment.criterion_code ? h("span", { class: "tag" }, comment.criterion_code, h("span", { class: "tag__title" }, ` ${titles.get(comment.criterion_code) || ""}`)) : null,
        comment.resolved ? h("span", { class: "status status--done" }, "Resolved") : null,
      ),
      comment.deleted ? h("p", { class: "muted" }, "This comment was deleted.") : h("p", { class: "comment__body" }, comment.body),
      comment.replies.length
        ? h("ul", { class: "replies", "aria-label": "Replies" }, comment.replies.map((r) =>
          h("li", { class: "reply" }, h("span", { class: "comment__author" }, r.author_name || "Someone who left"), h("p", {}, r.body))))
        : null,
      h("div", { class: "actions" }, replyButton, resolveButton, deleteButton, link ? link.toggle : null),
      reply.element,
      link ? link.box : null,
    );
  }

  async function load() {
    try {
      comments = await api.getAll(`/recordings/${recording.id}/comments`);
    } catch (error) {
      replaceChildren(list, h("li", {}, alertBox("error", "Comments could not be loaded", errorText(error))));
      return;
    }
    comments.sort((a, b) => a.start_ms - b.start_ms);
    player.setMarkers(comments.filter((c) => !c.deleted));
    replaceChildren(list, comments.length
      ? comments.map(commentItem)
      : h("li", { class: "muted" }, "No comments yet. Pause at a moment that matters and say what you noticed."));
  }

  showMoment();
  const element = h("div", {}, h("h2", {}, "Comments"), form, status, timeline.jumpList, list);
  return {
    element,
    load,
    /** The keyboard shortcut: write a comment at the current moment. */
    start() {
      body.focus();
    },
  };
}
