// The comment timeline under the player: each comment a marker big enough to tap (44 px),
// coloured by its criterion, a span comment also a band from its start to its end; hovering
// or focusing a marker previews the comment, choosing it goes there. And the jump list
// (shown with the comments): every comment's moment as a button, for people who would
// rather read than aim.
// Positions are CSS custom properties set through the CSSOM (the CSP forbids style
// attributes in markup, not this).
import { h, replaceChildren } from "../dom.js";
import { formatClock } from "../format.js";

const PALETTE_SIZE = 6; // .marker--c0 … .marker--c5 in app.css
const PREVIEW_WORDS = 12;

function percentOf(ms, totalMs) {
  return `${Math.max(0, Math.min(100, (ms / totalMs) * 100)).toFixed(3)}%`;
}

function firstWords(text) {
  const words = (text || "").trim().split(/\s+/);
  return words.length > PREVIEW_WORDS ? `${words.slice(0, PREVIEW_WORDS).join(" ")}…` : words.join(" ");
}

/** "01:05" or "01:05–01:20" for a span. */
export function momentWords(comment) {
  const start = formatClock(comment.start_ms / 1000);
  return comment.end_ms ? `${start}–${formatClock(comment.end_ms / 1000)}` : start;
}

/** What a marker or jump says about its comment, read out and shown in the preview. */
function describe(comment, titles) {
  const who = comment.author_name || "Someone who left";
  const criterion = comment.criterion_code ? ` on ${comment.criterion_code} ${titles.get(comment.criterion_code) || ""}`.trimEnd() : "";
  return `${momentWords(comment)}, ${who}${criterion}: ${firstWords(comment.body)}`;
}

/**
 * The timeline for `criteria` (their order picks each one's colour). `onChoose(comment)`
 * runs when a marker or a jump is chosen.
 */
export function createTimeline({ criteria, onChoose }) {
  const colours = new Map(criteria.map((criterion, index) => [criterion.code, index % PALETTE_SIZE]));
  const titles = new Map(criteria.map((criterion) => [criterion.code, criterion.title]));
  const preview = h("p", { class: "timeline__preview", hidden: true, "aria-hidden": "true" });
  const track = h("div", { class: "timeline__track" });
  const bar = h("div", { class: "timeline", role: "group", "aria-label": "Comments on the timeline" }, track, preview);
  const jumps = h("ul", { class: "jumps", "aria-label": "Jump to a comment" });
  const jumpList = h("details", { class: "jumps__box" },
    h("summary", { class: "jumps__summary" }, "Jump to a comment"),
    jumps);
  let latest = { comments: [], totalMs: 0 };

  function colourClass(comment) {
    return colours.has(comment.criterion_code) ? `marker--c${colours.get(comment.criterion_code)}` : "marker--none";
  }

  function showPreview(marker, comment) {
    preview.textContent = describe(comment, titles);
    preview.style.setProperty("--at", marker.style.getPropertyValue("--at"));
    preview.hidden = false;
  }
  function hidePreview() {
    preview.hidden = true;
  }

  function marker(comment, totalMs) {
    const at = percentOf(comment.start_ms, totalMs);
    const button = h("button", {
      class: `timeline__marker ${colourClass(comment)}${comment.resolved ? " timeline__marker--resolved" : ""}`,
      type: "button",
      "aria-label": `Go to ${describe(comment, titles)}`,
      "data-comment-id": comment.id,
    });
    button.style.setProperty("--at", at);
    button.addEventListener("click", () => onChoose(comment));
    for (const event of ["pointerenter", "focus"]) button.addEventListener(event, () => showPreview(button, comment));
    for (const event of ["pointerleave", "blur"]) button.addEventListener(event, hidePreview);
    return button;
  }

  function band(comment, totalMs) {
    const element = h("span", { class: `timeline__band ${colourClass(comment)}`, "aria-hidden": "true" });
    element.style.setProperty("--at", percentOf(comment.start_ms, totalMs));
    element.style.setProperty("--to", percentOf(comment.end_ms, totalMs));
    return element;
  }

  // Named by what it shows, then who said what (read out, not shown): the visible words
  // come first in the name, as people who speak to their screen say them.
  function jump(comment) {
    const who = comment.author_name || "Someone who left";
    const button = h("button", { class: "jumps__jump", type: "button" },
      h("span", { class: "visually-hidden" }, "Go to "),
      h("span", { class: `jumps__swatch ${colourClass(comment)}`, "aria-hidden": "true" }),
      momentWords(comment),
      comment.criterion_code ? h("span", { class: "jumps__code" }, ` ${comment.criterion_code}`) : null,
      h("span", { class: "visually-hidden" }, ` by ${who}: ${firstWords(comment.body)}`));
    button.addEventListener("click", () => onChoose(comment));
    return h("li", {}, button);
  }

  function draw() {
    const { comments, totalMs } = latest;
    hidePreview();
    if (!totalMs) {
      replaceChildren(track);
    } else {
      replaceChildren(track,
        comments.filter((c) => c.end_ms).map((c) => band(c, totalMs)),
        comments.map((c) => marker(c, totalMs)));
    }
    replaceChildren(jumps, comments.map(jump));
    jumpList.hidden = comments.length === 0;
    jumpList.querySelector("summary").textContent = `Jump to a comment (${comments.length})`;
  }

  return {
    element: bar,
    jumpList,
    /** Redraw for these comments (not deleted), over a recording `totalMs` long. */
    show(comments, totalMs) {
      latest = { comments, totalMs };
      draw();
    },
  };
}
