// The coach's rubric scoring: a level (with its descriptor) and evidence per criterion, the
// live weighted total and fidelity verdict as the server computes them, save draft, submit.
import { api } from "../api.js";
import { alertBox, announce, h, replaceChildren } from "../dom.js";
import { formatPercent, formulaWords, liveScore } from "./fidelity.js";
import { verdict } from "./observation-view.js";

const NA = "na";

function scoreInputs(version, form) {
  return version.criteria.map((criterion) => {
    const chosen = form.querySelector(`input[name="level-${criterion.code}"]:checked`);
    const evidence = form.elements[`evidence-${criterion.code}`].value;
    return {
      code: criterion.code,
      level: chosen && chosen.value !== NA ? Number(chosen.value) : null,
      not_applicable: Boolean(chosen && chosen.value === NA),
      evidence,
    };
  });
}

function criterionFieldset(version, criterion, saved) {
  const name = `level-${criterion.code}`;
  const descriptors = criterion.level_descriptors || [];
  const levelChoices = version.scale.map((step, index) =>
    h("label", { class: "level-choice" },
      h("input", { type: "radio", name, value: String(step.level), checked: saved && saved.level === step.level }),
      h("span", { class: "level-choice__text" },
        h("span", { class: "level-choice__label" }, `${step.level} ${step.label}`),
        descriptors[index] ? h("span", { class: "level-choice__descriptor" }, descriptors[index]) : null,
      ),
    ));
  const na = criterion.na_allowed
    ? h("label", { class: "level-choice" },
      h("input", { type: "radio", name, value: NA, checked: Boolean(saved && saved.not_applicable) }),
      h("span", { class: "level-choice__text" }, h("span", { class: "level-choice__label" }, "Not applicable")))
    : null;
  const minimum = criterion.min_level !== null
    ? version.scale.find((s) => s.level === criterion.min_level)
    : null;
  const evidenceId = `evidence-${criterion.code}`;
  return h("fieldset", { class: "criterion", "data-code": criterion.code },
    h("legend", {}, `${criterion.code} ${criterion.title}`),
    criterion.guidance ? h("p", { class: "hint" }, criterion.guidance) : null,
    h("p", { class: "hint" }, `Weight ${criterion.weight}${minimum ? `; at least ${minimum.level} ${minimum.label} to meet fidelity` : ""}.`),
    h("div", { class: "level-choices" }, levelChoices, na),
    h("div", { class: "field" },
      h("label", { for: evidenceId }, `Evidence for ${criterion.code}`),
      h("textarea", { class: "input", id: evidenceId, name: evidenceId, rows: "2", maxlength: "20000" }, saved ? saved.evidence : ""),
    ),
  );
}

/**
 * The scoring form for `version`; `draft` is the coach's saved draft or null. With `amend`
 * (their submitted observation) it corrects that instead: the scores as submitted to start
 * from, a reason required, no draft to save, and `onCancel` to leave it unchanged.
 * `onSubmitted` gets the submitted (or amended) observation from the server.
 */
export function scoringForm({ recording, version, draft, amend = null, onCancel = null, onSubmitted }) {
  let observation = draft;
  const start = amend || draft;
  const saved = new Map((start ? start.scores : []).map((s) => [s.code, s]));
  const sections = [];
  let currentSection = null;
  for (const criterion of version.criteria) {
    if (criterion.section && criterion.section !== currentSection) {
      currentSection = criterion.section;
      sections.push(h("h3", { class: "criterion-section" }, criterion.section));
    }
    sections.push(criterionFieldset(version, criterion, saved.get(criterion.code)));
  }
  const figureLabel = h("span", {}, "Weighted total ");
  const figure = h("strong", { class: "total__figure", "data-total": "live" }, "–");
  const verdictSlot = h("span", {});
  const progress = h("span", { class: "total__progress" });
  const belowSlot = h("span", {});
  const total = h("div", { class: "total total--live", role: "status", "aria-live": "polite", "aria-atomic": "true" },
    h("p", {}, progress, " ", figureLabel, figure, " ", verdictSlot),
    h("p", {}, belowSlot),
  );
  const summary = h("textarea", { class: "input", id: "observation-summary", name: "summary", rows: "3", maxlength: "20000" }, start ? start.summary : "");
  const reason = amend
    ? h("textarea", { class: "input", id: "amendment-reason", name: "reason", rows: "2", maxlength: "2000", required: true, "aria-describedby": "amendment-reason-hint" })
    : null;
  const status = h("div", {});
  const saveButton = amend
    ? h("button", { class: "button button--secondary", type: "button" }, "Keep it as it was")
    : h("button", { class: "button button--secondary", type: "button" }, "Save draft");
  const submitButton = h("button", { class: "button", type: "submit" }, amend ? "Save the amendment" : "Submit observation");
  const confirmYes = h("button", { class: "button", type: "button" }, amend ? "Yes, amend" : "Yes, submit");
  const confirmNo = h("button", { class: "button button--secondary", type: "button" }, "Not yet");
  const confirm = h("div", { class: "alert alert--warning", hidden: true },
    h("p", {}, amend
      ? "The practitioner will see the amended scores. What was submitted before stays in the revision history, with your reason. Amend now?"
      : "Once submitted, the scores are shared with the practitioner and can only be changed by an amendment. Submit now?"),
    h("div", { class: "actions" }, confirmYes, confirmNo));
  const form = h("form", { class: "scoring", novalidate: true, "aria-label": amend ? "Amend your observation" : null },
    amend ? h("h3", {}, "Amend your observation") : null,
    h("p", { class: "muted" }, `${version.title}, version ${version.version}. Fidelity threshold ${version.fidelity_threshold_percent} %, as ${formulaWords(version.scoring_formula)}.`),
    sections,
    h("div", { class: "field" }, h("label", { for: summary.id }, "Summary for the practitioner"), summary),
    reason
      ? h("div", { class: "field", "data-field": "reason" },
        h("label", { for: reason.id }, "Why are you amending it?"),
        h("span", { class: "hint", id: "amendment-reason-hint" }, "The practitioner sees this beside the earlier scores."),
        reason)
      : null,
    total,
    status,
    confirm,
    h("div", { class: "actions" }, saveButton, submitButton),
  );

  function refreshTotal() {
    const levels = new Map(scoreInputs(version, form).map((s) => [s.code, s.not_applicable ? "na" : s.level]));
    const result = liveScore(version, levels);
    // A partial score reads as partial: the percent so far, and no verdict until every
    // criterion is scored or N/A.
    progress.textContent = `${result.scored} of ${result.total} scored.`;
    figureLabel.textContent = result.complete ? "Weighted total " : "So far ";
    figure.textContent = formatPercent(result.percent);
    replaceChildren(verdictSlot, result.complete && result.percent !== null ? verdict(result.meets, version.fidelity_threshold_percent) : null);
    belowSlot.textContent = result.belowMinimum.length ? `Below the minimum level: ${result.belowMinimum.join(", ")}.` : "";
  }
  form.addEventListener("change", (event) => {
    if (event.target.type === "radio") refreshTotal();
  });

  async function save() {
    const body = { summary: summary.value, scores: scoreInputs(version, form) };
    if (observation) {
      observation = await api.patch(`/observations/${observation.id}`, body);
    } else {
      observation = await api.post(`/recordings/${recording.id}/observations`, { rubric_version_id: version.id, ...body });
    }
    return observation;
  }
  function fail(title, error) {
    const box = alertBox("error", title, error.message);
    replaceChildren(status, box);
    box.focus();
  }

  if (amend) saveButton.addEventListener("click", () => onCancel());
  else saveButton.addEventListener("click", async () => {
    saveButton.disabled = true;
    try {
      await save();
      const box = alertBox("success", null, "Draft saved. Only you can see it until you submit.");
      replaceChildren(status, box);
      announce("Draft saved.");
    } catch (error) {
      fail("The draft was not saved", error);
    } finally {
      saveButton.disabled = false;
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const missing = scoreInputs(version, form).filter((s) => s.level === null && !s.not_applicable);
    if (missing.length) {
      const box = alertBox("error", "Not every criterion is scored", `Give a level to ${missing.map((s) => s.code).join(", ")} before submitting${amend ? "" : ", or save a draft"}.`);
      replaceChildren(status, box);
      box.focus();
      return;
    }
    if (reason && !reason.value.trim()) {
      const box = alertBox("error", "Say why you are amending it", "The reason is kept with the earlier scores.");
      replaceChildren(status, box);
      reason.focus();
      return;
    }
    replaceChildren(status);
    confirm.hidden = false;
    confirmYes.focus();
  });
  confirmNo.addEventListener("click", () => {
    confirm.hidden = true;
    submitButton.focus();
  });
  confirmYes.addEventListener("click", async () => {
    confirmYes.disabled = true;
    try {
      let submitted;
      if (amend) {
        const body = { summary: summary.value, scores: scoreInputs(version, form), reason: reason.value.trim() };
        submitted = await api.post(`/observations/${amend.id}/amendments`, body);
        announce(`Observation amended: weighted total ${formatPercent(submitted.weighted_percent)}.`);
      } else {
        await save();
        submitted = await api.post(`/observations/${observation.id}/submit`);
        announce(`Observation submitted: weighted total ${formatPercent(submitted.weighted_percent)}.`);
      }
      onSubmitted(submitted);
    } catch (error) {
      confirm.hidden = true;
      fail(amend ? "The observation was not amended" : "The observation was not submitted", error);
    } finally {
      confirmYes.disabled = false;
    }
  });
  refreshTotal();
  return form;
}
