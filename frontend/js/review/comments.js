// Comments at moments of the recording: add one at the current moment (the player pauses
// while you type), tag it with a criterion, go to a comment's moment, reply and resolve.
import { api } from "../api.js";
import { alertBox, announce, h, replaceChildren, uniqueId } from "../dom.js";
import { formatClock } from "../format.js";

function errorText(error) {
  return error && error.message ? error.message : "Something went wrong. Try again.";
}

export function createComments({ recording, player, criteria, me }) {
  const titles = new Map(criteria.map((c) => [c.code, c.title]));
  const list = h("ol", { class: "comments", "aria-label": "Comments by moment" });
  const status = h("div", { "aria-live": "polite" });
  let comments = [];
  let frozenAt = null; // seconds: the moment of the comment being written

  const momentLabel = h("label", { for: "comment-body" }, "Comment at 00:00");
  const body = h("textarea", { class: "input", id: "comment-body", name: "body", rows: "3", maxlength: "4000" });
  const tag = h("select", { class: "input", id: "comment-criterion", name: "criterion" },
    h("option", { value: "" }, "No criterion"),
    criteria.map((c) => h("option", { value: c.code }, `${c.code} ${c.title}`)));
  const form = h("form", { class: "comment-form", novalidate: true },
    h("div", { class: "field" }, momentLabel, h("span", { class: "hint", id: "comment-hint" }, "The recording pauses while you type."), body),
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
    showMoment();
  }
  player.media.addEventListener("timeupdate", () => frozenAt === null && showMoment());
  player.media.addEventListener("seeked", () => {
    if (frozenAt !== null && !body.value.trim()) frozenAt = null;
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
        body: text,
        criterion_code: tag.value || null,
      });
      form.reset();
      replaceChildren(status);
      announce(`Comment added at ${formatClock(at)}.`);
      await load();
    } catch (error) {
      replaceChildren(status, alertBox("error", "The comment was not saved", errorText(error)));
    } finally {
      button.disabled = false;
    }
  });

  async function act(request, message) {
    try {
      await request();
      if (message) announce(message);
      await load();
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
      await act(() => api.post(`/comments/${comment.id}/replies`, { body: text.value.trim() }), "Reply sent.");
    });
    return { element, text };
  }

  function commentItem(comment) {
    const at = comment.start_ms / 1000;
    const reply = replyForm(comment);
    const replyButton = h("button", { class: "button button--secondary button--small", type: "button", "aria-expanded": "false" }, "Reply");
    replyButton.addEventListener("click", () => {
      const open = reply.element.hidden;
      reply.element.hidden = !open;
      replyButton.setAttribute("aria-expanded", String(open));
      if (open) reply.text.focus();
    });
    const resolveButton = h("button", { class: "button button--secondary button--small", type: "button" }, comment.resolved ? "Reopen" : "Resolve");
    resolveButton.addEventListener("click", () =>
      act(() => api.post(`/comments/${comment.id}/${comment.resolved ? "unresolve" : "resolve"}`), comment.resolved ? "Comment reopened." : "Comment resolved."));
    const mine = comment.author_user_id === me.id && !comment.deleted;
    const deleteButton = mine
      ? h("button", { class: "button button--danger button--small", type: "button" }, "Delete")
      : null;
    if (deleteButton) deleteButton.addEventListener("click", () => act(() => api.delete(`/comments/${comment.id}`), "Comment deleted."));
    const seekButton = h("button", { class: "comment__time", type: "button", "aria-label": `Go to ${formatClock(at)}` }, formatClock(at));
    seekButton.addEventListener("click", () => {
      player.seek(at);
      announce(`At ${formatClock(at)}.`);
    });
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
      h("div", { class: "actions" }, replyButton, resolveButton, deleteButton),
      reply.element,
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
  const element = h("div", {}, h("h2", {}, "Comments"), form, status, list);
  return {
    element,
    load,
    /** The keyboard shortcut: write a comment at the current moment. */
    start() {
      body.focus();
    },
  };
}
