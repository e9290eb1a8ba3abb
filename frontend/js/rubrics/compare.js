// Comparing two versions of a rubric, as a lead reads it before publishing: criteria
// added, removed and changed (matched by code, as raters know them), and the scale. Pure:
// versions in (as GET .../versions/{n} gives them), differences out; nothing is fetched.
import { formulaWords } from "../review/fidelity.js";

const FIELDS = [
  ["section", "Section"],
  ["title", "Title"],
  ["guidance", "Guidance"],
  ["weight", "Weight"],
  ["min_level", "Minimum level"],
  ["na_allowed", "N/A allowed"],
];

function key(code) {
  return code.trim().toLowerCase();
}

function shown(field, value) {
  if (field === "na_allowed") return value ? "yes" : "no";
  if (value === null || value === undefined || value === "") return "none";
  return String(value);
}

/** The levels of a scale as "1 Not yet", in order. */
export function scaleWords(scale) {
  return scale.map((step) => `${step.level} ${step.label}`);
}

function descriptorChanges(before, after, beforeScale, afterScale) {
  const changes = [];
  const count = Math.max(before.level_descriptors.length, after.level_descriptors.length);
  for (let index = 0; index < count; index += 1) {
    const was = before.level_descriptors[index];
    const now = after.level_descriptors[index];
    if (was === now) continue;
    const step = afterScale[index] || beforeScale[index];
    const label = `Level ${step ? step.level : index} descriptor`;
    changes.push({ field: `level_${index}`, label, before: was === undefined ? "none" : was, after: now === undefined ? "none" : now });
  }
  return changes;
}

/** What changed in one criterion from `before` to `after`: [{field, label, before, after}]. */
export function criterionChanges(before, after, beforeScale = [], afterScale = []) {
  const changes = [];
  for (const [field, label] of FIELDS) {
    if (before[field] !== after[field]) {
      changes.push({ field, label, before: shown(field, before[field]), after: shown(field, after[field]) });
    }
  }
  return changes.concat(descriptorChanges(before, after, beforeScale, afterScale));
}

/**
 * From version `from` to version `to`: {added, removed, changed: [{criterion, changes}],
 * scale: null or {before, after}, threshold: null or {before, after}, formula: null or
 * {before, after} (in words), same}.
 */
export function compareVersions(from, to) {
  const earlier = new Map(from.criteria.map((criterion) => [key(criterion.code), criterion]));
  const later = new Map(to.criteria.map((criterion) => [key(criterion.code), criterion]));
  const added = to.criteria.filter((criterion) => !earlier.has(key(criterion.code)));
  const removed = from.criteria.filter((criterion) => !later.has(key(criterion.code)));
  const changed = [];
  for (const criterion of to.criteria) {
    const before = earlier.get(key(criterion.code));
    if (!before) continue;
    const changes = criterionChanges(before, criterion, from.scale, to.scale);
    if (changes.length) changed.push({ criterion, changes });
  }
  const beforeScale = scaleWords(from.scale);
  const afterScale = scaleWords(to.scale);
  const scale = beforeScale.join("|") === afterScale.join("|") ? null : { before: beforeScale, after: afterScale };
  const threshold = from.fidelity_threshold_percent === to.fidelity_threshold_percent
    ? null
    : { before: from.fidelity_threshold_percent, after: to.fidelity_threshold_percent };
  const formula = from.scoring_formula === to.scoring_formula
    ? null
    : { before: formulaWords(from.scoring_formula), after: formulaWords(to.scoring_formula) };
  const same = !added.length && !removed.length && !changed.length && !scale && !threshold && !formula;
  return { added, removed, changed, scale, threshold, formula, same };
}
