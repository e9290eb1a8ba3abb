// The upload queue on screen: progress, speed, time left and the actions each state allows.
// Items are updated in place, so focus stays put while the bytes go up.
import { announce, h, replaceChildren } from "../dom.js";
import { confirmDialog } from "../confirm-dialog.js";
import { formatBytes, formatDuration, formatSpeed, percent } from "../format.js";
import { cancel, dismiss, pause, provideFile, resume, subscribe } from "./queue.js";
import { isError, stateLabel, statusClass } from "./states.js";

function button(label, listener, variant = "secondary", context = "") {
  return h(
    "button",
    { class: `button button--${variant}`, type: "button", on: { click: listener } },
    label,
    context ? h("span", { class: "visually-hidden" }, ` ${context}`) : null,
  );
}

function chooseAgain(item, view) {
  const input = h("input", { type: "file", accept: "video/*,audio/*", id: `${item.id}-file` });
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    const problem = await provideFile(item, file);
    if (problem) {
      view.message.textContent = problem;
      view.message.className = "upload__message upload__message--error";
      announce(problem);
    }
  });
  return h(
    "div",
    { class: "file-picker" },
    h("label", { class: "button", for: input.id }, "Choose the file again", h("span", { class: "visually-hidden" }, ` for ${item.title}`)),
    input,
  );
}

/** Cancelling throws away what was sent: ask first, and say so. */
async function cancelAsked(item) {
  const sent = item.bytesSent ? ` (${formatBytes(item.bytesSent)} so far)` : "";
  const confirmed = await confirmDialog({
    title: `Cancel the upload of “${item.title}”?`,
    text: `The part already uploaded${sent} is discarded, and this device lets go of the recording. To send it later, you would choose or record it again and upload it from the start.`,
    confirmLabel: "Cancel upload",
    keepLabel: "Keep uploading",
  });
  if (confirmed) await cancel(item);
}

function actionsFor(item, view) {
  const context = `“${item.title}”`;
  const cancelButton = () => button("Cancel", () => cancelAsked(item), "danger", context);
  switch (item.state) {
    case "uploading":
    case "waiting":
      return [button("Pause", () => pause(item), "secondary", context), cancelButton()];
    case "paused":
    case "offline":
      return [button("Resume", () => resume(item), "primary", context), cancelButton()];
    case "failed":
      return [button("Try again", () => resume(item), "primary", context), cancelButton()];
    case "signed-out":
      return [h("a", { class: "button", href: "#/sign-in?next=/upload" }, "Sign in again"), cancelButton()];
    case "needs-file":
      return [chooseAgain(item, view), cancelButton()];
    case "ready":
      // Done: open it (to reflect, or watch it back), or clear it off this list.
      return [
        item.recordingId
          ? h("a", { class: "button", href: `#/recordings/${item.recordingId}` }, "Open recording", h("span", { class: "visually-hidden" }, ` ${context}`))
          : null,
        button("Dismiss", () => dismiss(item), "secondary", context),
      ];
    case "rejected":
    case "cancelled":
      return [button("Dismiss", () => dismiss(item), "secondary", context)];
    default:
      return [];
  }
}

function createView(item) {
  const view = {
    title: h("h3", { class: "upload__title" }, item.title),
    status: h("span", { class: "status" }),
    file: h("p", { class: "list__meta" }),
    progress: h("progress", { class: "progress", max: "100", value: "0", "aria-label": `Upload of ${item.title}` }),
    figures: h("p", { class: "upload__figures" }),
    message: h("p", { class: "upload__message" }),
    actions: h("div", { class: "actions" }),
    state: null,
  };
  view.root = h(
    "li",
    { class: "upload", id: item.id },
    h("div", { class: "upload__head" }, view.title, view.status),
    view.file,
    view.progress,
    view.figures,
    view.message,
    view.actions,
  );
  return view;
}

function figuresFor(item) {
  const figures = [`${percent(item.bytesSent, item.size)} %`];
  if (item.size) figures.push(`${formatBytes(item.bytesSent)} of ${formatBytes(item.size)}`);
  if (item.state === "uploading" && item.speed) {
    figures.push(formatSpeed(item.speed));
    figures.push(`about ${formatDuration(item.secondsLeft)} left`);
  }
  return figures.join(" · ");
}

function update(view, item) {
  const done = percent(item.bytesSent, item.size);
  view.progress.value = done;
  view.progress.setAttribute("aria-valuetext", `${done} % uploaded`);
  view.file.textContent = `${item.fileName} · ${formatBytes(item.size)}`;
  replaceChildren(view.figures, figuresFor(item));
  if (view.state === item.state && view.text === item.message) return;
  const hadFocus = view.actions.contains(document.activeElement);
  const firstShown = view.state === null;
  view.state = item.state;
  view.text = item.message;
  view.status.textContent = stateLabel(item);
  view.status.className = statusClass(item);
  view.message.textContent = item.message;
  view.message.className = `upload__message${isError(item) ? " upload__message--error" : ""}`;
  replaceChildren(view.actions, actionsFor(item, view));
  if (hadFocus) {
    const next = view.actions.querySelector("button, a, input");
    (next || view.title.closest("section") || view.root).focus();
  }
  if (!firstShown) announce(`${item.title}: ${view.status.textContent}. ${item.message}`);
}

/** Mounts the live queue into `container`; returns the function that unmounts it. */
export function mountQueue(container, { onEmptyChange } = {}) {
  const list = h("ul", { class: "list", "aria-label": "Uploads" });
  container.append(list);
  const views = new Map();
  return subscribe((items) => {
    for (const [id, view] of views) {
      if (!items.some((item) => item.id === id)) {
        // Dismissed from its own button: focus goes to the list's heading, not the page body.
        const hadFocus = view.root.contains(document.activeElement);
        view.root.remove();
        if (hadFocus) (container.querySelector("h2") || container).focus();
        views.delete(id);
      }
    }
    for (const item of items) {
      let view = views.get(item.id);
      if (!view) {
        view = createView(item);
        views.set(item.id, view);
        list.append(view.root);
      }
      update(view, item);
    }
    if (onEmptyChange) onEmptyChange(items.length === 0);
  });
}
