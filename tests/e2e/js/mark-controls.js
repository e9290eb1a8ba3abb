// Numbers every visible control with data-stop (one stop per radio group, since arrow keys
// move within it), notes in window.__reachedStops each stop that takes the focus from now
// on, and returns how many stops the keyboard should reach.
() => {
  const visible = (element) =>
    element.type === "file"
      ? element.closest(".file-picker").checkVisibility()
      : element.checkVisibility();
  const controls = [...document.querySelectorAll("a[href], button, input, select, textarea")]
    .filter((element) => !element.disabled && visible(element));
  const stops = new Map();
  for (const element of controls) {
    const key = element.type === "radio" ? `radio:${element.name}` : `control:${stops.size}`;
    if (!stops.has(key)) stops.set(key, []);
    stops.get(key).push(element);
  }
  [...stops.values()].forEach((members, index) => {
    for (const element of members) element.dataset.stop = String(index);
  });
  window.__reachedStops = new Set();
  document.addEventListener("focusin", (event) => {
    const stop = event.target.dataset && event.target.dataset.stop;
    if (stop !== undefined) window.__reachedStops.add(Number(stop));
  });
  return stops.size;
}
