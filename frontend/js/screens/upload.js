// Record or choose a session recording, record the family's consent, and queue the upload.
import { api } from "../api.js";
import { append, alertBox, announce, h, replaceChildren } from "../dom.js";
import { formatBytes } from "../format.js";
import { currentMe, currentMembership, displayName, hasRole } from "../me.js";
import { problemWith } from "../uploads/media.js";
import { addUpload } from "../uploads/queue.js";
import { recordPanel, takeLeftBehindRecording } from "../uploads/record-panel.js";
import { mountQueue } from "../uploads/view.js";

export const title = "Upload a recording";

function today() {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

function field(id, label, control, hint) {
  const hintElement = hint ? h("span", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintElement) control.setAttribute("aria-describedby", hintElement.id);
  return h("div", { class: "field", "data-field": id }, h("label", { for: id }, label), hintElement, control);
}

function choice(type, name, value, label, checked = false) {
  return h("label", { class: "choice" }, h("input", { type, name, value, checked }), h("span", {}, label));
}

function filePicker(id, label, extra = {}) {
  const input = h("input", { type: "file", id, accept: "video/*,audio/*", ...extra });
  return { input, element: h("div", { class: "file-picker" }, h("label", { class: "button button--secondary", for: id }, label), input) };
}

function practitionerMemberships() {
  const me = currentMe();
  return me ? me.memberships.filter((m) => hasRole(m, "practitioner")) : [];
}

function setError(form, name, message) {
  const container = form.querySelector(`[data-field="${name}"]`);
  if (!container) return;
  const control = container.querySelector("input, select");
  const error = h("span", { class: "field-error", id: `${name}-error` }, message);
  container.querySelector(".label, label, legend").after(error);
  if (control) {
    control.setAttribute("aria-invalid", "true");
    const described = [control.getAttribute("aria-describedby"), error.id].filter(Boolean).join(" ");
    control.setAttribute("aria-describedby", described);
  }
}

function clearErrors(form) {
  form.querySelectorAll(".field-error").forEach((element) => element.remove());
  form.querySelectorAll("[aria-invalid]").forEach((control) => {
    control.removeAttribute("aria-invalid");
    const kept = (control.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-error"));
    if (kept.length) control.setAttribute("aria-describedby", kept.join(" "));
    else control.removeAttribute("aria-describedby");
  });
}

function errorSummary(problems) {
  const links = problems.map(({ name, focus, message }) =>
    h("li", {}, h("a", { href: `#${focus}`, on: { click: (event) => { event.preventDefault(); document.getElementById(focus).focus(); } } }, message)),
  );
  return alertBox("error", "There is a problem", h("ul", { class: "error-list" }, links));
}

async function loadProgrammes(select, container, organisationId) {
  try {
    const programmes = await api.getAll(`/organisations/${organisationId}/programmes`);
    replaceChildren(select, h("option", { value: "" }, "Not linked to a programme"),
      programmes.map((p) => h("option", { value: p.id, selected: programmes.length === 1 }, p.name)));
    container.hidden = programmes.length === 0;
  } catch {
    container.hidden = true;
  }
}

export async function render(main) {
  const memberships = practitionerMemberships();
  if (memberships.length === 0) {
    append(main, h("h1", {}, title), alertBox("info", null, "Only practitioners upload recordings of their sessions. Your roles here do not include practitioner."));
    return null;
  }
  const me = currentMe();
  let chosen = null; // the File to upload
  const status = h("div", {});
  const chosenText = h("p", { id: "chosen-file", class: "muted" }, "No recording chosen yet.");
  const pick = filePicker("upload-file", "Choose a file");
  const camera = filePicker("upload-camera", "Use the camera", { capture: "environment" });
  camera.element.hidden = !window.matchMedia("(pointer: coarse)").matches;

  async function choose(file) {
    chosen = file;
    chosenText.textContent = `Chosen: ${file.name} (${formatBytes(file.size)})`;
    chosenText.className = "";
    const titleInput = form.elements.title;
    if (!titleInput.value) titleInput.value = file.name.replace(/\.[^.]+$/, "");
    announce(chosenText.textContent);
  }
  for (const picker of [pick, camera]) {
    picker.input.addEventListener("change", () => picker.input.files[0] && choose(picker.input.files[0]));
  }
  const recorder = recordPanel({
    onRecorded: (file) => choose(file),
    onProblem: (message) => replaceChildren(status, alertBox("error", "Recording did not start", message)),
  });

  const organisationSelect = h("select", { class: "input", id: "upload-organisation", name: "organisation" },
    memberships.map((m) => h("option", { value: m.organisation_id, selected: m === currentMembership() }, m.organisation_name)));
  const organisationField = field("upload-organisation", "Organisation", organisationSelect);
  organisationField.hidden = memberships.length < 2;
  const programmeSelect = h("select", { class: "input", id: "upload-programme", name: "programme" });
  const programmeField = field("upload-programme", "Programme", programmeSelect, "Optional.");
  programmeField.hidden = true;
  organisationSelect.addEventListener("change", () => loadProgrammes(programmeSelect, programmeField, organisationSelect.value));

  const form = h("form", { class: "card", novalidate: true },
    h("h2", {}, "1. The recording"),
    h("div", { class: "field", "data-field": "upload-file" },
      h("span", { class: "label" }, "Video or sound of the session"),
      h("div", { class: "actions" }, pick.element, camera.element),
      chosenText,
    ),
    recorder ? recorder.element : null,
    h("h2", {}, "2. About the session"),
    field("upload-title", "Title", h("input", { class: "input", id: "upload-title", name: "title", type: "text", maxlength: "200", autocomplete: "off" }), "For example: Home visit, week 4."),
    field("upload-date", "Date of the session", h("input", { class: "input", id: "upload-date", name: "recorded", type: "date", value: today(), max: today() })),
    organisationField,
    programmeField,
    h("h2", {}, "3. The family's consent"),
    h("div", { class: "field", "data-field": "upload-consent" },
      h("span", { class: "label" }, "Consent"),
      h("label", { class: "choice" }, h("input", { type: "checkbox", id: "upload-consent", name: "consent" }), h("span", {}, "Everyone recorded agreed to this recording being made and kept in Tandem.")),
    ),
    h("fieldset", { "data-field": "upload-scope" },
      h("legend", {}, "They agreed to it being used for"),
      choice("radio", "scope", "coaching", "Coaching and supervision only"),
      choice("radio", "scope", "coaching_and_training", "Coaching, supervision and training other practitioners"),
    ),
    h("fieldset", { "data-field": "upload-method" },
      h("legend", {}, "How they gave consent"),
      choice("radio", "method", "written", "In writing"),
      choice("radio", "method", "verbal", "Verbally"),
    ),
    h("p", { class: "hint" }, `Tandem records that ${displayName(me)} obtained this consent. If the family withdraws it, the recording is erased.`),
    h("div", { class: "actions" }, h("button", { class: "button", type: "submit" }, "Upload recording")),
  );
  form.elements.scope[0].id = "upload-scope";
  form.elements.method[0].id = "upload-method";

  async function validate() {
    const problems = [];
    const add = (name, focus, message) => problems.push({ name, focus, message });
    if (!chosen) add("upload-file", "upload-file", "Choose or record the recording of the session.");
    else {
      const problem = await problemWith(chosen);
      if (problem) add("upload-file", "upload-file", problem);
    }
    if (!form.elements.title.value.trim()) add("upload-title", "upload-title", "Give the recording a title.");
    if (!form.elements.consent.checked) add("upload-consent", "upload-consent", "Confirm that everyone recorded agreed. Without consent, do not upload.");
    if (!form.elements.scope.value) add("upload-scope", "upload-scope", "Say what the family agreed the recording may be used for.");
    if (!form.elements.method.value) add("upload-method", "upload-method", "Say how the family gave consent.");
    return problems;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const problems = await validate();
    if (problems.length) {
      problems.forEach(({ name, message }) => setError(form, name, message));
      const summary = errorSummary(problems);
      replaceChildren(status, summary);
      summary.focus();
      return;
    }
    const details = {
      title: form.elements.title.value.trim(),
      organisationId: organisationSelect.value,
      consentScope: form.elements.scope.value,
      consentMethod: form.elements.method.value,
      recordedAt: form.elements.recorded.value,
      programmeId: programmeSelect.value,
    };
    const file = chosen;
    // Clear the form before handing over the file: a recording chosen while the upload is
    // being queued belongs to the next upload and must not be wiped afterwards.
    form.reset();
    form.elements.recorded.value = today();
    chosen = null;
    chosenText.textContent = "No recording chosen yet.";
    chosenText.className = "muted";
    const item = await addUpload(file, details);
    // Not a success yet: that is said once the server has checked the recording.
    const next = navigator.onLine
      ? "This device keeps it until it is sent. You can keep using Tandem, or add another recording, while it uploads."
      : "You are offline: this device keeps it and sends it by itself when you are back online.";
    const done = alertBox("info", null, `“${item.title}” is in your uploads below. ${next}`);
    replaceChildren(status, done);
    done.focus();
  });

  const queueSection = h("section", { class: "card", "aria-labelledby": "uploads-heading" }, h("h2", { id: "uploads-heading", tabindex: "-1" }, "Your uploads"));
  const stopQueueView = mountQueue(queueSection, { onEmptyChange: (empty) => { queueSection.hidden = empty; } });
  append(main,
    h("h1", {}, title),
    h("p", { class: "lede" }, "Record or choose the session, confirm the family's consent, and Tandem uploads it. A weak signal, a pause or a reload does not lose it."),
    status,
    queueSection,
    form,
  );
  loadProgrammes(programmeSelect, programmeField, organisationSelect.value);
  const leftBehind = takeLeftBehindRecording();
  if (leftBehind) {
    choose(leftBehind);
    replaceChildren(status, alertBox("info", null, "Your recording was kept when you left this screen. Add the details below to upload it."));
  }
  return () => {
    stopQueueView();
    if (recorder) recorder.release();
  };
}
