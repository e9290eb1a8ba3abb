// Importing a rubric from a CSV or JSON file: the lead checks the file first (the API's
// preview runs the import's own checks and saves nothing), sees the criteria, sections and
// scale or every problem at once, then imports it as a draft to publish later.
import { api } from "../api.js";
import { alertBox, h, replaceChildren } from "../dom.js";
import { clearProblems, showApiError, showProblems } from "../forms.js";
import { formulaWords } from "../review/fidelity.js";
import { scaleWords } from "./compare.js";

function isJson(file) {
  return /\.json$/i.test(file.name) || file.type === "application/json";
}

function where(problem) {
  const parts = [problem.line ? `Line ${problem.line}` : "", problem.field || ""].filter(Boolean);
  return parts.length ? `${parts.join(", ")}: ` : "";
}

function problemsBox(error) {
  const count = error.problems.length;
  return alertBox("error", `The file has ${count === 1 ? "1 problem" : `${count} problems`}; nothing was saved`,
    h("ul", { class: "problem-list" }, error.problems.map((problem) => h("li", {}, where(problem), problem.message))),
    "Correct the file and choose it again.");
}

function previewBox(preview) {
  const bySection = new Map();
  for (const criterion of preview.criteria) {
    if (!bySection.has(criterion.section)) bySection.set(criterion.section, []);
    bySection.get(criterion.section).push(criterion);
  }
  return h("section", { class: "preview", "aria-labelledby": "import-preview-heading", tabindex: "-1" },
    h("h3", { id: "import-preview-heading" }, `Preview: ${preview.title}`),
    h("p", {}, `${preview.criteria.length} criteria in ${preview.sections.length} sections; fidelity threshold ${preview.fidelity_threshold_percent} %, as ${formulaWords(preview.scoring_formula)}.`),
    h("p", {}, h("strong", {}, "Scale: "), scaleWords(preview.scale).join(", ")),
    [...bySection].map(([name, criteria]) => h("div", {},
      h("h4", {}, name || "No section"),
      h("ul", { class: "criteria-list" }, criteria.map((criterion) => h("li", {},
        h("strong", {}, criterion.code), ` ${criterion.title}`,
        h("span", { class: "list__meta" }, `Weight ${criterion.weight}${criterion.min_level === null ? "" : `, minimum level ${criterion.min_level}`}${criterion.na_allowed ? ", N/A allowed" : ""}`)))))));
}

/** The import form of a programme; `onImported(rubric)` after a draft is created. */
export function importForm({ base, programmeId, onImported }) {
  const file = h("input", { id: "import-file", name: "file", type: "file", accept: ".csv,.json,text/csv,application/json", "aria-describedby": "import-file-hint" });
  const titleInput = h("input", { class: "input", id: "import-title", name: "title", type: "text", maxlength: "200", autocomplete: "off", "aria-describedby": "import-title-hint" });
  const labels = h("input", { class: "input", id: "import-labels", name: "scale_labels", type: "text", autocomplete: "off", "aria-describedby": "import-labels-hint" });
  const formula = h("select", { class: "input", id: "import-formula", name: "scoring_formula", "aria-describedby": "import-formula-hint" },
    h("option", { value: "percent_of_maximum", selected: true }, "Percent of the maximum points"),
    h("option", { value: "normalised" }, "The bottom of the scale counts as 0 %"));
  const chosenName = h("p", { class: "muted", "aria-live": "polite" }, "No file chosen.");
  file.addEventListener("change", () => {
    chosenName.textContent = file.files[0] ? `Chosen: ${file.files[0].name}` : "No file chosen.";
  });
  const status = h("div", { class: "form-status" });
  const result = h("div", {});
  const check = h("button", { class: "button button--secondary", type: "submit" }, "Check the file");
  const save = h("button", { class: "button", type: "button", hidden: true }, "Import as a draft");
  const form = h("form", { novalidate: true, "aria-labelledby": "import-heading" },
    h("h2", { id: "import-heading" }, "Import a rubric"),
    h("p", { class: "muted" }, "From a CSV file (one row per criterion) or a rubric exported as JSON. You see what it holds, or every problem in it, before anything is saved."),
    h("div", { class: "field", "data-field": "file" },
      h("span", { class: "label" }, "Rubric file"),
      h("span", { class: "hint", id: "import-file-hint" }, "CSV columns: section, code, title, guidance, weight, min_level, na_allowed, then level_1, level_2… one per scale level."),
      h("div", { class: "file-picker" }, h("label", { class: "button button--secondary", for: file.id }, "Choose a CSV or JSON file"), file),
      chosenName),
    h("div", { class: "field", "data-field": "title" },
      h("label", { for: titleInput.id }, "Title"),
      h("span", { class: "hint", id: "import-title-hint" }, "Needed for a CSV file; a JSON file has its own unless you give one."),
      titleInput),
    h("div", { class: "field", "data-field": "scale_labels" },
      h("label", { for: labels.id }, "Scale labels (CSV)"),
      h("span", { class: "hint", id: "import-labels-hint" }, "Lowest level first, separated by commas: one per level column, such as Not yet, Emerging, Developing, Proficient, Exemplary."),
      labels),
    h("div", { class: "field", "data-field": "scoring_formula" },
      h("label", { for: formula.id }, "How the percent is worked out (CSV)"),
      h("span", { class: "hint", id: "import-formula-hint" }, "Percent of the maximum points: 4 of 5 on every criterion is 80 %. Bottom of the scale as 0 %: on a 1 to 5 scale, 4 everywhere is 75 %. A JSON file says its own."),
      formula),
    h("div", { class: "actions" }, check, save));
  let checked = null;

  function request() {
    const chosen = file.files[0];
    const problems = [];
    if (!chosen) problems.push({ field: "file", message: "Choose a CSV or JSON file." });
    const json = chosen && isJson(chosen);
    const names = labels.value.split(",").map((label) => label.trim()).filter(Boolean);
    if (chosen && !json && !titleInput.value.trim()) problems.push({ field: "title", message: "Give the rubric a title." });
    if (chosen && !json && !names.length) problems.push({ field: "scale_labels", message: "Enter the scale's labels, lowest level first." });
    if (problems.length) return { problems };
    const query = new URLSearchParams({ programme_id: programmeId });
    if (titleInput.value.trim()) query.set("title", titleInput.value.trim());
    if (!json) {
      for (const name of names) query.append("scale_labels", name);
      query.set("scoring_formula", formula.value);
    }
    return { chosen, kind: json ? "json" : "csv", type: json ? "application/json" : "text/csv", query: query.toString() };
  }

  function reset() {
    checked = null;
    save.hidden = true;
    replaceChildren(result);
  }
  for (const control of [file, titleInput, labels, formula]) control.addEventListener("change", reset);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    reset();
    const sent = request();
    if (sent.problems) {
      showProblems(form, status, { problems: sent.problems });
      return;
    }
    clearProblems(form, status);
    try {
      const preview = await api.postFile(`${base}/rubrics/import/${sent.kind}/preview?${sent.query}`, sent.chosen, sent.type);
      checked = sent;
      const box = previewBox(preview);
      replaceChildren(result, box);
      save.hidden = false;
      box.focus();
    } catch (error) {
      if (error.problems.length) {
        const box = problemsBox(error);
        replaceChildren(status, box);
        box.focus();
      } else {
        showApiError(form, status, error, { title: "The file could not be checked" });
      }
    }
  });

  save.addEventListener("click", async () => {
    if (!checked) return;
    save.disabled = true;
    try {
      const rubric = await api.postFile(`${base}/rubrics/import/${checked.kind}?${checked.query}`, checked.chosen, checked.type);
      form.reset();
      chosenName.textContent = "No file chosen.";
      reset();
      onImported(rubric);
    } catch (error) {
      if (error.problems.length) replaceChildren(status, problemsBox(error));
      else showApiError(form, status, error, { title: "The rubric was not imported" });
    } finally {
      save.disabled = false;
    }
  });
  return h("div", { class: "card" }, form, result, status);
}
