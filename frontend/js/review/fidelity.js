// The fidelity rule, as the server computes it (app/rubric/scoring.py), for the live total.
// A rubric version chooses its formula; over the scored criteria (N/A counts in neither sum):
//   percent_of_maximum: percent = 100 × Σ weight × level ÷ Σ weight × highest
//   normalised:         percent = 100 × Σ weight × (level − lowest) ÷ Σ weight × (highest − lowest)
// It meets fidelity when percent >= threshold and no scored criterion is below its minimum.
// Weights and the threshold are read as the decimals a lead typed and summed exactly (BigInt),
// so a total that lands on the threshold gives the same verdict here as on the server
// (tests/rubric/test_scoring_shared.py holds the two to one definition).

const SCALE = 1_000_000n; // six decimal places: more than any weight or threshold a lead types

function exact(value) {
  return BigInt(Math.round(Number(value) * Number(SCALE)));
}

/**
 * levels: Map code -> level (a number), "na", or null/undefined while unscored.
 * Returns {percent, meets, belowMinimum, scored, total, complete}: percent is null when
 * nothing is scored; `meets` is a verdict only once `complete` (every criterion scored or N/A).
 */
export function liveScore(version, levels) {
  const steps = version.scale.map((step) => step.level);
  const floor = version.scoring_formula === "normalised" ? Math.min(...steps) : 0;
  const span = BigInt(Math.max(...steps) - floor);
  let earned = 0n;
  let weights = 0n;
  let scored = 0;
  const belowMinimum = [];
  for (const criterion of version.criteria) {
    const level = levels.get(criterion.code);
    if (level === "na") {
      scored += 1;
      continue;
    }
    if (typeof level !== "number") continue;
    scored += 1;
    const weight = exact(criterion.weight);
    earned += weight * BigInt(level - floor);
    weights += weight;
    if (criterion.min_level !== null && level < criterion.min_level) belowMinimum.push(criterion.code);
  }
  const total = version.criteria.length;
  const complete = scored === total;
  if (weights === 0n) return { percent: null, meets: false, belowMinimum, scored, total, complete };
  const percent = (100 * Number(earned)) / (Number(span) * Number(weights));
  // percent >= threshold  <=>  100 × earned × SCALE >= threshold × SCALE × span × weights
  const reaches = 100n * earned * SCALE >= exact(version.fidelity_threshold_percent) * span * weights;
  return { percent, meets: complete && reaches && belowMinimum.length === 0, belowMinimum, scored, total, complete };
}

/** "72.5 %": the one way a weighted percent is shown, live or from the server. */
export function formatPercent(percent) {
  if (percent === null || percent === undefined) return "–";
  return `${(Math.round(percent * 10) / 10).toFixed(1)} %`;
}

/** How a version's percent is worked out, in the words a coach or lead reads. */
export function formulaWords(formula) {
  return formula === "normalised"
    ? "the bottom of the scale counts as 0 %"
    : "percent of the maximum points";
}
