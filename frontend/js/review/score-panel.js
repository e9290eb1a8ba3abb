// The scoring side of the review screen: the coach scores (or sees what they submitted);
// the practitioner and others see the submitted observations they may see.
import { api } from "../api.js";
import { alertBox, h, replaceChildren } from "../dom.js";
import { observationView } from "./observation-view.js";
import { versionById } from "./rubric.js";

export function createScorePanel({ recording, version, me, names, mayScore }) {
  const body = h("div", { "aria-busy": "true" }, h("p", { class: "loading" }, "Loading…"));
  const heading = h("h2", {}, mayScore ? "Score" : "Observation");
  const element = h("div", {}, heading, body);

  async function submittedViews(observations) {
    const views = [];
    for (const observation of observations) {
      const used = observation.rubric_version_id === (version && version.id) ? version : await versionById(recording.organisation_id, observation.rubric_version_id);
      const who = observation.rater_user_id === me.id ? "you" : names.get(observation.rater_user_id) || "a coach";
      views.push(observationView(observation, used, who));
    }
    return views;
  }

  async function load() {
    let observations;
    try {
      observations = await api.getAll(`/recordings/${recording.id}/observations`);
    } catch (error) {
      body.removeAttribute("aria-busy");
      replaceChildren(body, alertBox("error", "Observations could not be loaded", error.message));
      return;
    }
    const mine = observations.find((o) => o.rater_user_id === me.id);
    const submitted = observations.filter((o) => o.status === "submitted");
    const content = [];
    if (mayScore && (!mine || mine.status === "draft")) {
      const used = mine ? await versionById(recording.organisation_id, mine.rubric_version_id) : version;
      if (!used) {
        content.push(alertBox("info", null, "There is no published rubric for this recording's programme yet. Your implementation lead publishes one."));
      } else {
        // Only coaches score: the form's module loads for them alone.
        const { scoringForm } = await import("./scoring.js");
        content.push(scoringForm({
          recording,
          version: used,
          draft: mine || null,
          onSubmitted: () => load().then(() => {
            const total = body.querySelector("[data-total=server]");
            if (total) total.closest(".observation").querySelector("h3").focus();
          }),
        }));
      }
    }
    if (submitted.length) {
      content.push(...(await submittedViews(submitted)));
    } else if (!mayScore) {
      content.push(h("p", { class: "muted" }, "No observation has been submitted for this recording yet. When your coach scores it, the scores and evidence appear here."));
    }
    body.removeAttribute("aria-busy");
    replaceChildren(body, content);
    body.querySelectorAll(".observation h3").forEach((title) => title.setAttribute("tabindex", "-1"));
  }

  return { element, load };
}
