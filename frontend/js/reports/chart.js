// Charts for the dashboards: uPlot (vendored) draws, and every chart carries the same
// figures as text: a sentence that says what it shows (its accessible name) and a table
// with every value, so nobody needs to see the picture to read the report.
import uPlot from "../../vendor/uPlot.esm.min.js";
import { h, tableCaption } from "../dom.js";

// Colours that keep 3:1 against white and apart from each other for common colour
// blindness (Okabe–Ito, darkened where needed); lines also differ in dash.
const PALETTE = ["#1d5c63", "#b35900", "#5e4fa2", "#a4262c", "#2d6a2e", "#6b5200"];
const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 2], [8, 8]];
const HEIGHT = 240;
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

let stylesheetAdded = false;
function addStylesheet() {
  if (stylesheetAdded) return;
  stylesheetAdded = true;
  document.head.append(h("link", { rel: "stylesheet", href: "/vendor/uPlot.min.css" }));
}

function figuresTable(caption, labels, series, format) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "group", "aria-label": caption },
    h("table", { class: "table" },
      tableCaption(caption),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, series.xTitle), series.lines.map((line) => h("th", { scope: "col" }, line.label)))),
      h("tbody", {}, labels.map((label, index) => h("tr", {},
        h("th", { scope: "row" }, label),
        series.lines.map((line) => h("td", {}, line.values[index] === null || line.values[index] === undefined ? "–" : format(line.values[index]))),
      ))),
    ),
  );
}

// Bars side by side in each column: series `index` of `count` takes its share of 80 % of
// the column's width (uPlot's bars path, placed by x0 and size in x-scale units).
function groupedBars(xs, index, count) {
  const width = 0.8 / count;
  return uPlot.paths.bars({
    disp: {
      x0: { unit: 1, values: () => xs.map((x) => x - 0.4 + index * width) },
      size: { unit: 1, values: () => xs.map(() => width) },
    },
  });
}

// uPlot's axis text, measured as it draws it; a gap of this many px keeps two names apart.
const AXIS_FONT = "12px system-ui, sans-serif";
const LABEL_GAP_PX = 12;
let measurer = null;

/** A column's name under the chart, one word a line when it (and a gap) is wider than the
 * `space` (px) between two columns: side by side on a phone, "Cleo Coach" and "Cody Coach"
 * ran into one another ("Cleo CoachCody Coach"). */
export function axisLabel(label, space) {
  if (!measurer) {
    measurer = document.createElement("canvas").getContext("2d");
    measurer.font = AXIS_FONT;
  }
  return measurer.measureText(label).width + LABEL_GAP_PX > space ? label.replace(/ +/g, "\n") : label;
}

function plot(target, { labels, lines, kind, yRange, format, counts }) {
  const xs = labels.map((_, index) => index);
  const bars = kind === "bars" ? lines.length : 0;
  const padding = Math.max(0, (3 - labels.length) / 2);
  const options = {
    width: target.clientWidth,
    height: HEIGHT,
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    // At least three columns wide, centred: one or two groups do not become slabs.
    scales: { x: { time: false, range: [-0.5 - padding, labels.length - 0.5 + padding] }, y: yRange ? { range: yRange } : { auto: true } },
    axes: [
      {
        values: (_, splits, __, space) => splits.map((i) => (Number.isInteger(i) ? axisLabel(labels[i] ?? "", space) : "")),
        // Room for names of up to three words, one a line.
        size: (_, values) => ((values || []).some((value) => value.includes("\n")) ? 72 : 50),
        font: AXIS_FONT,
        stroke: "#4a525c",
        grid: { show: false },
      },
      // Counts step in whole numbers: no axis of 0, 0, 1, 1.
      { values: (_, splits) => splits.map((v) => format(v)), incrs: counts ? WHOLE_STEPS : undefined, stroke: "#4a525c", size: 56, grid: { stroke: "#e3e6e9" } },
    ],
    series: [
      {},
      ...lines.map((line, index) => ({
        label: line.label,
        stroke: PALETTE[index % PALETTE.length],
        width: 2,
        dash: bars ? undefined : DASHES[index % DASHES.length],
        fill: bars ? PALETTE[index % PALETTE.length] : undefined,
        points: { show: !bars, size: 6 },
        spanGaps: false,
        paths: bars ? groupedBars(xs, index, bars) : undefined,
      })),
    ],
  };
  return new uPlot(options, [xs, ...lines.map((line) => line.values)], target);
}

/**
 * A chart of values over labelled points (months, teams), with its text alternative.
 * `lines`: [{label, values}] (a null value is a gap); `kind`: "lines" or "bars";
 * `summary`: the sentence read instead of the picture; `format`: a value as text;
 * `counts`: the values are whole numbers.
 */
export function chart({ title, summary, labels, xTitle, lines, kind = "lines", yRange = null, format = String, counts = false }) {
  const drawable = lines.some((line) => line.values.some((value) => value !== null && value !== undefined));
  if (!drawable) {
    // Nothing to draw (no months yet, or none with a figure): the title and the sentence
    // saying so, not an empty box and a table of dashes.
    return h("figure", { class: "chart" },
      h("figcaption", { class: "chart__title" }, title),
      h("p", { class: "chart__summary" }, summary));
  }
  addStylesheet();
  const canvas = h("div", { class: "chart__plot", role: "img", "aria-label": `${title}. ${summary}` });
  const figure = h("figure", { class: "chart" },
    h("figcaption", { class: "chart__title" }, title),
    canvas,
    h("p", { class: "chart__summary" }, summary),
    h("details", { class: "chart__details" },
      h("summary", { class: "chart__toggle" }, `${title}: every figure`),
      figuresTable(title, labels, { xTitle, lines }, format),
    ),
  );
  // Drawn once the figure is in the page and has a width, and redrawn to fit it after.
  let drawn = null;
  const fit = new ResizeObserver(() => {
    if (!canvas.isConnected) {
      // The screen was left: nothing more to draw.
      fit.disconnect();
      if (drawn) drawn.destroy();
      return;
    }
    const width = canvas.clientWidth;
    if (!width || !labels.length) return;
    if (drawn) drawn.setSize({ width, height: HEIGHT });
    else drawn = plot(canvas, { labels, lines, kind, yRange, format, counts });
  });
  fit.observe(canvas);
  return figure;
}

/** The few numbers a report leads with, as a list (label under a large value). */
export function keyFigures(items) {
  return h("ul", { class: "figures" }, items.map(({ label, value }) =>
    h("li", { class: "figures__item" }, h("span", { class: "figures__value" }, value), h("span", {}, label))));
}

/** A plain table of a report's rows: `columns` are [heading, row => text], the first a row heading. */
export function rowsTable(caption, columns, rows) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "group", "aria-label": caption },
    h("table", { class: "table" },
      tableCaption(caption),
      h("thead", {}, h("tr", {}, columns.map(([heading]) => h("th", { scope: "col" }, heading)))),
      h("tbody", {}, rows.map((row) => h("tr", {}, columns.map(([, cell], index) =>
        h(index === 0 ? "th" : "td", index === 0 ? { scope: "row" } : {}, cell(row) ?? "–"))))),
    ),
  );
}

export function percentText(value) {
  return value === null || value === undefined ? "–" : `${Math.round(value * 10) / 10} %`;
}

/** "1 Jan 2026": a report's day, with its year (periods often span two). */
export function dateText(isoDate) {
  const date = new Date(`${isoDate}T12:00:00Z`);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}
