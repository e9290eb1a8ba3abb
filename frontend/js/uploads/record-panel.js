// "Record here": video or sound straight from the browser, with a live preview and a clock.
import { announce, h, replaceChildren } from "../dom.js";
import { formatClock } from "../format.js";
import { canRecord, recorderProblem, startRecording } from "./recorder.js";

// A recording still running when the person leaves the screen is stopped and kept here,
// and the upload screen offers it again when it next opens.
let leftBehind = null;

export function takeLeftBehindRecording() {
  const file = leftBehind;
  leftBehind = null;
  return file;
}

/** The panel, or null where the browser cannot record. `onRecorded(file)` gets the result. */
export function recordPanel({ onRecorded, onProblem }) {
  if (!canRecord()) return null;
  const body = h("div", {});
  const panel = h(
    "div",
    { class: "recorder" },
    h("h3", {}, "Record here"),
    h("p", { class: "hint" }, "Keep Tandem open while you record. The recording stays on this device until it is uploaded."),
    body,
  );
  let session = null;
  let clock = null;

  function idle() {
    window.clearInterval(clock);
    replaceChildren(
      body,
      h("div", { class: "actions" },
        h("button", { class: "button button--secondary", type: "button", on: { click: () => begin(true) } }, "Record video"),
        h("button", { class: "button button--secondary", type: "button", on: { click: () => begin(false) } }, "Record sound only"),
      ),
    );
  }

  async function begin(video) {
    try {
      session = await startRecording({ video });
    } catch (error) {
      onProblem(recorderProblem(error));
      return;
    }
    const preview = video ? h("video", { class: "recorder__preview", muted: true, autoplay: true, playsinline: true, "aria-label": "Camera preview" }) : null;
    if (preview) {
      preview.muted = true; // no echo of the room through the speaker
      preview.srcObject = session.stream;
    }
    const time = h("span", { class: "recorder__time", role: "timer", "aria-live": "off" }, "00:00");
    clock = window.setInterval(() => {
      time.textContent = formatClock((Date.now() - session.startedAt.getTime()) / 1000);
    }, 500);
    const stop = h("button", { class: "button", type: "button", on: { click: finish } }, "Stop recording");
    replaceChildren(
      body,
      preview,
      h("p", {}, "Recording: ", time),
      h("div", { class: "actions" },
        stop,
        h("button", { class: "button button--danger", type: "button", on: { click: discard } }, "Discard"),
      ),
    );
    stop.focus();
    announce("Recording started.");
  }

  async function finish() {
    const file = await session.stop();
    session = null;
    idle();
    onRecorded(file);
  }

  function discard() {
    session.cancel();
    session = null;
    idle();
    announce("Recording discarded.");
  }

  idle();
  return {
    element: panel,
    // Leaving the screen turns the camera off but keeps what was recorded.
    release() {
      window.clearInterval(clock);
      if (session) {
        session.stop().then((file) => {
          leftBehind = file;
        });
        session = null;
      }
    },
  };
}
