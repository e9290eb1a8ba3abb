// The reports there are, and which roles find each useful (the API decides whose figures
// they hold): the reports screen lists them, the home screen says what they cover.
import { hasRole } from "../me.js";

export const REPORTS = [
  { name: "fidelity", label: "Fidelity", load: () => import("./fidelity.js"), roles: ["lead", "supervisor", "coach"] },
  { name: "time", label: "Ring-fenced time", load: () => import("./time.js"), roles: ["lead", "supervisor"] },
  { name: "coverage", label: "Coverage", load: () => import("./coverage.js"), roles: ["lead", "supervisor", "coach"] },
  { name: "turnaround", label: "Turnaround", load: () => import("./turnaround.js"), roles: ["lead", "coach"] },
  { name: "agreement", label: "Agreement", load: () => import("./agreement.js"), roles: ["lead", "coach"] },
  { name: "equity", label: "Equity", load: () => import("./equity.js"), roles: ["lead"] },
];

export function availableReports(membership) {
  return REPORTS.filter((report) => membership && hasRole(membership, ...report.roles));
}
