// Panels beside the player on wide screens and in tabs on a phone. Every tab stays in the
// Tab order (and the arrow keys move between them too); CSS shows all panels side by side
// from 64rem up and hides the tab list there.
import { h } from "../dom.js";

export function tabbedPanels(label, panels) {
  const tabs = panels.map(({ id, title }) =>
    h("button", { class: "tabs__tab", type: "button", role: "tab", id: `tab-${id}`, "aria-controls": `panel-${id}` }, title),
  );
  const elements = panels.map(({ id, content }) =>
    h("section", { class: "tab-panel", role: "tabpanel", id: `panel-${id}`, "aria-labelledby": `tab-${id}` }, content),
  );

  function select(index) {
    tabs.forEach((tab, i) => tab.setAttribute("aria-selected", String(i === index)));
    elements.forEach((panel, i) => panel.classList.toggle("tab-panel--inactive", i !== index));
  }
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => select(index));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      event.preventDefault();
      const next = (index + step + tabs.length) % tabs.length;
      select(next);
      tabs[next].focus();
    });
  });
  select(0);
  const tablist = h("div", { class: "tabs", role: "tablist", "aria-label": label }, tabs);
  return { tablist, panels: elements, select: (id) => select(panels.findIndex((p) => p.id === id)) };
}
