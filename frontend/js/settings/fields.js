// The organisation's settings as form controls: each in a container named after the API's
// field (so errors land beside it), with a hint saying what the setting does; and the
// values read back from the form as the API takes them.
import { h } from "../dom.js";

function field(name, label, hint, control) {
  const hintId = `settings-${name}-hint`;
  control.setAttribute("aria-describedby", hintId);
  return h("div", { class: "field", "data-field": name },
    h("label", { for: control.id }, label),
    h("span", { class: "hint", id: hintId }, hint),
    control);
}

function input(name, value, extra = {}) {
  return h("input", { class: "input", id: `settings-${name}`, name, value: value ?? "", autocomplete: "off", ...extra });
}

function zones(current) {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const all = known.includes(current) ? known : [current, ...known];
  return h("datalist", { id: "settings-zones" }, all.map((zone) => h("option", { value: zone })));
}

export function organisationGroup(settings) {
  return h("fieldset", { class: "settings-group" },
    h("legend", {}, "Organisation"),
    field("name", "Name", "As members see it on their screens and in emails.", input("name", settings.name, { type: "text", maxlength: "200" })),
    field("time_zone", "Time zone",
      "Sessions, ring-fenced time, reports and the audit trail use this zone's days and times. Type to search, for example Europe/London.",
      input("time_zone", settings.time_zone, { type: "text", list: "settings-zones", spellcheck: "false" })),
    zones(settings.time_zone),
  );
}

export function retentionGroup(settings) {
  const basis = h("select", { class: "input", id: "settings-retention_basis", name: "retention_basis" },
    h("option", { value: "upload", selected: settings.retention_basis === "upload" }, "the day it was uploaded"),
    h("option", { value: "last_review", selected: settings.retention_basis === "last_review" }, "the day it was last reviewed"));
  return h("fieldset", { class: "settings-group" },
    h("legend", {}, "Keeping recordings"),
    field("retention_days", "Delete recordings after (days)",
      "A recording's media is deleted this many days after the day chosen below, at the next nightly purge. Leave empty to keep recordings until someone deletes them.",
      input("retention_days", settings.retention_days, { type: "number", min: "1", max: "36500", step: "1", inputmode: "numeric" })),
    field("retention_basis", "Counting from", "Counting from the last review keeps recordings that coaches still use.", basis),
  );
}

export function figuresGroup(settings) {
  const percent = (name) => input(name, settings[name], { type: "number", min: "0", max: "100", step: "any", inputmode: "decimal" });
  return h("fieldset", { class: "settings-group" },
    h("legend", {}, "Fidelity and ring-fenced time"),
    field("fidelity_threshold_percent", "Fidelity threshold (%)",
      "An observation scoring at least this share of the rubric meets fidelity. New rubric versions start with it unless they set their own.",
      percent("fidelity_threshold_percent")),
    field("time_tolerance_percent", "Time tolerance (%)",
      "Ring-fenced time counts as eroded when less than this share of it has been used by the end of its week or month.",
      percent("time_tolerance_percent")),
  );
}

// A number as JSON takes it; text that is not one goes as it is, for the API to name.
function number(text) {
  const value = Number(text);
  return text.trim() !== "" && Number.isFinite(value) ? value : text;
}

/** The form's values as the API takes them (retention left empty: null, kept forever). */
export function formValues(form) {
  const text = (name) => form.elements[name].value.trim();
  return {
    name: text("name"),
    time_zone: text("time_zone"),
    retention_days: text("retention_days") === "" ? null : number(text("retention_days")),
    retention_basis: text("retention_basis"),
    fidelity_threshold_percent: number(text("fidelity_threshold_percent")),
    time_tolerance_percent: number(text("time_tolerance_percent")),
  };
}

/** Only what differs from the settings held. */
export function changedValues(values, settings) {
  return Object.fromEntries(Object.entries(values).filter(([name, value]) => value !== settings[name]));
}

/** Whether recordings would be deleted sooner: a period set where there was none, or cut. */
export function shortensRetention(changes, settings) {
  if (!("retention_days" in changes) || typeof changes.retention_days !== "number") return false;
  return settings.retention_days === null || changes.retention_days < settings.retention_days;
}

const LABELS = {
  name: "name",
  time_zone: "time zone",
  retention_days: "retention period",
  retention_basis: "when retention counts from",
  fidelity_threshold_percent: "fidelity threshold",
  time_tolerance_percent: "time tolerance",
};

export function changedWords(changes) {
  return Object.keys(changes).map((name) => LABELS[name] || name).join(", ");
}
