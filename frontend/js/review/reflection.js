// The practitioner's reflection on the recording: private until shared with their coaches,
// then a thread of replies under it.
import { api, ApiError } from "../api.js";
import { alertBox, announce, h, replaceChildren } from "../dom.js";
import { formatDate } from "../format.js";

const SECTIONS = [
  ["went_well", "What went well"],
  ["do_differently", "What I would do differently"],
  ["want_help", "Where I want help"],
  ["notes", "Anything else"],
];

async function fetchReflection(recordingId) {
  try {
    return await api.get(`/recordings/${recordingId}/reflection`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

function thread(reflection, onReplied) {
  const list = h("ul", { class: "replies", "aria-label": "Replies to the reflection" });
  const text = h("textarea", { class: "input", id: "reflection-reply", rows: "2", maxlength: "4000" });
  const status = h("div", {});
  const form = h("form", { class: "reply-form", novalidate: true },
    h("label", { for: text.id }, "Your reply"),
    text,
    status,
    h("div", { class: "actions" }, h("button", { class: "button", type: "submit" }, "Send reply")),
  );
  async function load() {
    const replies = await api.getAll(`/reflections/${reflection.id}/replies`);
    replaceChildren(list, replies.length
      ? replies.map((r) => h("li", { class: "reply" }, h("span", { class: "comment__author" }, r.author_name || "Someone who left"), h("p", { class: "prose" }, r.body)))
      : h("li", { class: "muted" }, "No replies yet."));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!text.value.trim()) {
      replaceChildren(status, h("p", { class: "field-error" }, "Write the reply first."));
      text.focus();
      return;
    }
    try {
      await api.post(`/reflections/${reflection.id}/replies`, { body: text.value.trim() });
      text.value = "";
      replaceChildren(status);
      announce("Reply sent.");
      await load();
      if (onReplied) onReplied();
    } catch (error) {
      replaceChildren(status, alertBox("error", "The reply was not sent", error.message));
    }
  });
  return { element: h("div", { class: "thread" }, h("h3", {}, "Conversation"), list, form), load };
}

export function createReflectionPanel({ recording, isOwner, ownerName }) {
  const body = h("div", { "aria-busy": "true" }, h("p", { class: "loading" }, "Loading…"));
  const element = h("div", {}, h("h2", {}, "Reflection"), body);

  function ownerForm(reflection) {
    const status = h("div", {});
    const fields = SECTIONS.map(([name, label]) =>
      h("div", { class: "field" },
        h("label", { for: `reflection-${name}` }, label),
        h("textarea", { class: "input", id: `reflection-${name}`, name, rows: "3", maxlength: "8000" }, reflection ? reflection[name] : "")));
    const shared = Boolean(reflection && reflection.shared);
    const saveButton = h("button", { class: shared ? "button" : "button button--secondary", type: "submit" }, shared ? "Save changes" : "Save privately");
    const shareButton = shared ? null : h("button", { class: "button", type: "button" }, "Save and share with my coach");
    const form = h("form", { class: "reflection", novalidate: true },
      h("p", { class: "muted" }, shared
        ? `Shared with your coaches on ${formatDate(reflection.shared_at)}. They see your changes.`
        : "Private: only you can see it until you share it with your coaches."),
      fields, status, h("div", { class: "actions" }, saveButton, shareButton));
    const values = () => Object.fromEntries(SECTIONS.map(([name]) => [name, form.elements[name].value]));
    async function write(share) {
      const saved = await api.put(`/recordings/${recording.id}/reflection`, values());
      return share ? api.post(`/reflections/${saved.id}/share`) : saved;
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await write(false);
        replaceChildren(status, alertBox("success", null, "Reflection saved."));
        announce("Reflection saved.");
      } catch (error) {
        replaceChildren(status, alertBox("error", "The reflection was not saved", error.message));
      }
    });
    if (shareButton) {
      shareButton.addEventListener("click", async () => {
        try {
          await write(true);
          announce("Reflection shared with your coaches.");
          await load();
          element.querySelector("h2").setAttribute("tabindex", "-1");
          element.querySelector("h2").focus();
        } catch (error) {
          replaceChildren(status, alertBox("error", "The reflection was not shared", error.message));
        }
      });
    }
    return form;
  }

  function readOnly(reflection) {
    return h("div", { class: "reflection" },
      h("p", { class: "muted" }, `Shared by ${ownerName} on ${formatDate(reflection.shared_at)}.`),
      SECTIONS.filter(([name]) => reflection[name]).map(([name, label]) =>
        h("div", {}, h("h3", {}, label), h("p", { class: "prose" }, reflection[name]))));
  }

  async function load() {
    try {
      const reflection = await fetchReflection(recording.id);
      const content = [];
      if (isOwner) content.push(ownerForm(reflection));
      else if (reflection) content.push(readOnly(reflection));
      else content.push(h("p", { class: "muted" }, `${ownerName} has not shared a reflection on this recording yet.`));
      let conversation = null;
      if (reflection && reflection.shared) {
        conversation = thread(reflection);
        content.push(conversation.element);
        await conversation.load();
      }
      body.removeAttribute("aria-busy");
      replaceChildren(body, content);
    } catch (error) {
      body.removeAttribute("aria-busy");
      replaceChildren(body, alertBox("error", "The reflection could not be loaded", error.message));
    }
  }
  return { element, load };
}
