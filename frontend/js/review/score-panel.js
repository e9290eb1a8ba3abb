// The scoring side of the review screen: the coach scores (or sees what they submitted, and
// may amend it with a reason, the earlier state kept as a revision); the practitioner and
// others see the submitted observations they may see, with their revision history, and the
// practitioner and coaches may link a scored criterion to a learning objective.
import { api } from "../api.js";
import { alertBox, h, replaceChildren } from "../dom.js";
import { formatDate } from "../format.js";
import { evidenceLink } from "./evidence-link.js";
import { formatPercent } from "./fidelity.js";
import { levelWords, observationView } from "./observation-view.js";
import { versionById } from "./rubric.js";

// "Revision history": each state an amendment replaced, loaded when opened.
function revisionHistory(observation, names, me) {
  const list = h("ol", { class: "list" });
  const box = h("details", { class: "revisions" },
    h("summary", { class: "revisions__summary" }, `Revision history (${observation.revision - 1} ${observation.revision === 2 ? "amendment" : "amendments"})`),
    list);
  let loaded = false;
  box.addEventListener("toggle", async () => {
    if (!box.open || loaded) return;
    loaded = true;
    try {
      const revisions = await api.getAll(`/observations/${observation.id}/revisions`);
      replaceChildren(list, revisions.map((revision) => {
        const who = revision.amended_by_user_id === me.id ? "you" : names.get(revision.amended_by_user_id) || "a coach";
        return h("li", { class: "list__item list__item--stack" },
          h("span", { class: "list__title" }, `Revision ${revision.revision}: weighted total ${formatPercent(revision.weighted_percent)}`),
          h("span", { class: "list__meta" }, `Submitted ${formatDate(revision.submitted_at)}; replaced ${formatDate(revision.amended_at)} by ${who}.`),
          h("span", { class: "list__meta" }, `Why: ${revision.reason}`));
      }));
    } catch (error) {
      loaded = false;
      replaceChildren(list, h("li", {}, alertBox("error", "The revisions could not be loaded", error.message)));
    }
  });
  return box;
}

export function createScorePanel({ recording, version, me, names, mayScore, mayLink = false }) {
  const body = h("div", { "aria-busy": "true" }, h("p", { class: "loading" }, "Loading…"));
  const heading = h("h2", {}, mayScore ? "Score" : "Observation");
  const element = h("div", {}, heading, body);

  function linkTo(observation, used) {
    if (!mayLink) return null;
    return (score) => (score.level === null
      ? null
      : evidenceLink({ recording, kind: "observation", refId: observation.id, note: `${score.code} ${score.title}: ${levelWords(score, used)}`, what: score.code }));
  }

  async function scoring(used, { draft = null, amend = null } = {}) {
    // Only coaches score: the form's module loads for them alone.
    const { scoringForm } = await import("./scoring.js");
    return scoringForm({
      recording,
      version: used,
      draft,
      amend,
      onCancel: amend ? () => load() : null,
      onSubmitted: () => load().then(() => {
        const total = body.querySelector("[data-total=server]");
        if (total) total.closest(".observation").querySelector("h3").focus();
      }),
    });
  }

  async function submittedViews(observations) {
    const views = [];
    for (const observation of observations) {
      const used = observation.rubric_version_id === (version && version.id) ? version : await versionById(recording.organisation_id, observation.rubric_version_id);
      const mine = observation.rater_user_id === me.id;
      const who = mine ? "you" : names.get(observation.rater_user_id) || "a coach";
      const view = observationView(observation, used, who, { linkTo: linkTo(observation, used) });
      if (observation.revision > 1) view.append(revisionHistory(observation, names, me));
      if (mine && mayScore && used) {
        const amend = h("button", { class: "button button--secondary", type: "button" }, "Amend my observation");
        amend.addEventListener("click", async () => {
          const form = await scoring(used, { amend: observation });
          view.replaceWith(form);
          form.querySelector("textarea[name=reason]").focus();
        });
        view.append(h("div", { class: "actions" }, amend));
      }
      views.push(view);
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
        content.push(await scoring(used, { draft: mine || null }));
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
