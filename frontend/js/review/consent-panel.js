// The family's consent to a recording, and withdrawing it: for the practitioner who made
// the recording and for leads. Withdrawing erases the video and its poster frame at once
// (the record of the session stays, marked withdrawn), so it asks first, saying exactly that.
import { api } from "../api.js";
import { alertBox, h, replaceChildren } from "../dom.js";
import { formatDate } from "../format.js";
import { clearProblems, showApiError } from "../forms.js";
import { disclosure } from "./access-panel.js";

const SCOPES = {
  coaching: "Coaching only",
  coaching_and_training: "Coaching, and training other practitioners",
};
const METHODS = { written: "in writing", verbal: "verbally" };

export const WITHDRAWAL_QUESTION = "Withdraw consent and erase this recording? The video and its poster frame are deleted now and cannot be recovered. Scores, comments and reflections about it stay, without the video.";

/** `onWithdrawn(recording)`: the recording as the server now has it (a tombstone). */
export function createConsentPanel({ recording, onWithdrawn }) {
  const consent = recording.consent;
  const facts = consent
    ? h("dl", { class: "facts" },
      h("dt", {}, "Agreed use"), h("dd", {}, SCOPES[consent.scope] || consent.scope),
      h("dt", {}, "Given"), h("dd", {}, [formatDate(consent.obtained_at), METHODS[consent.method]].filter(Boolean).join(", ")))
    : h("p", {}, "No consent is on record for this recording.");
  const reason = h("textarea", { class: "input", id: "withdrawal-reason", name: "reason", maxlength: "500", rows: "2" });
  const status = h("div", { class: "form-status" });
  const submit = h("button", { class: "button button--danger", type: "submit" }, "Withdraw consent and erase");
  const form = h("form", { novalidate: true, "aria-labelledby": "withdrawal-heading" },
    h("h3", { id: "withdrawal-heading" }, "The family withdraws consent"),
    h("p", {}, "The video and its poster frame are erased at once and cannot be recovered; the record of the session stays, marked withdrawn."),
    h("div", { class: "field", "data-field": "reason" },
      h("label", { for: reason.id }, "Reason (optional, kept in the audit trail)"), reason),
    status,
    h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!window.confirm(WITHDRAWAL_QUESTION)) return;
    clearProblems(form, status);
    submit.disabled = true;
    try {
      const erased = await api.post(`/recordings/${recording.id}/consent/withdraw`, { reason: reason.value.trim() || null });
      replaceChildren(status, alertBox("success", null, "Consent is withdrawn and the recording erased."));
      onWithdrawn(erased);
    } catch (error) {
      showApiError(form, status, error, { title: "The recording was not erased" });
      submit.disabled = false;
    }
  });
  return disclosure("consent", "Consent", facts, consent && !consent.withdrawn_at ? form : null);
}

export const DELETION_QUESTION = "Delete this recording? The video and its poster frame are erased now and cannot be recovered. Scores, comments and reflections about the session stay, without the video. The family's consent is not changed.";

/** Deleting a recording (its owner or a lead); `onDeleted(recording)` gets the tombstone. */
export function createDeletePanel({ recording, onDeleted }) {
  const status = h("div", { class: "form-status" });
  const submit = h("button", { class: "button button--danger", type: "submit" }, "Delete this recording");
  const form = h("form", { novalidate: true, "aria-labelledby": "deletion-heading" },
    h("h3", { id: "deletion-heading" }, "Delete the recording"),
    h("p", {}, "For a recording made by mistake or no longer needed. The video and its poster frame are erased at once and cannot be recovered; the record of the session, its scores, comments and reflections stay."),
    status,
    h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!window.confirm(DELETION_QUESTION)) return;
    clearProblems(form, status);
    submit.disabled = true;
    try {
      const erased = await api.delete(`/recordings/${recording.id}`);
      replaceChildren(status, alertBox("success", null, "The recording is deleted."));
      onDeleted(erased);
    } catch (error) {
      showApiError(form, status, error, { title: "The recording was not deleted" });
      submit.disabled = false;
    }
  });
  return disclosure("deletion", "Delete", form);
}
