// Organisation settings: the implementation lead's name, time zone, how long recordings are
// kept, and the fidelity and ring-fenced time defaults. Saving sends only what changed;
// a shorter retention period is confirmed first, since the next purge may delete media.
import { api } from "../api.js";
import { alertBox, announce, append, h, replaceChildren } from "../dom.js";
import { clearProblems, showApiError } from "../forms.js";
import { loadMe, currentMembership, hasRole } from "../me.js";
import { organisationNav } from "../members/layout.js";
import {
  changedValues, changedWords, figuresGroup, formValues, organisationGroup, retentionGroup, shortensRetention,
} from "../settings/fields.js";

export const title = "Organisation settings";

function retentionQuestion(days) {
  return `Recordings older than ${days} ${days === 1 ? "day" : "days"} will be deleted at the next nightly purge, and cannot be brought back. Shorten the retention period to ${days} days?`;
}

function settingsForm(base, loaded) {
  let settings = loaded;
  const status = h("div", { class: "form-status" });
  const submit = h("button", { class: "button", type: "submit" }, "Save settings");
  const form = h("form", { novalidate: true, "aria-labelledby": "settings-heading" },
    h("h2", { id: "settings-heading" }, "Settings"),
    organisationGroup(settings),
    retentionGroup(settings),
    figuresGroup(settings),
    h("div", { class: "actions" }, submit),
  );

  function said(kind, message) {
    const box = alertBox(kind, null, message);
    replaceChildren(status, box);
    box.focus();
    announce(message);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearProblems(form, status);
    const changes = changedValues(formValues(form), settings);
    if (!Object.keys(changes).length) {
      said("info", "Nothing to save: no setting has changed.");
      return;
    }
    if (shortensRetention(changes, settings) && !window.confirm(retentionQuestion(changes.retention_days))) {
      said("info", "Not saved: the retention period is as it was.");
      return;
    }
    submit.disabled = true;
    try {
      settings = await api.patch(base, changes);
      // The organisation's name shows on other screens: read it again.
      if ("name" in changes) await loadMe();
      said("success", `Saved: ${changedWords(changes)}.`);
    } catch (error) {
      showApiError(form, status, error, { title: "The settings were not saved" });
    } finally {
      submit.disabled = false;
    }
  });
  return h("div", { class: "card settings" }, form, status);
}

export async function render(main) {
  const membership = currentMembership();
  append(main, h("h1", {}, title));
  if (!membership || !hasRole(membership, "lead")) {
    append(main, alertBox("info", null, "Organisation settings are for implementation leads."));
    return null;
  }
  const base = `/organisations/${membership.organisation_id}`;
  append(main,
    h("p", { class: "lede" }, `How ${membership.organisation_name} keeps recordings, tells the time and judges fidelity and ring-fenced time.`),
    organisationNav("/settings"));
  try {
    append(main, settingsForm(base, await api.get(base)));
  } catch (error) {
    append(main, alertBox("error", "The settings could not be loaded", error.message));
  }
  return null;
}
