// Numbers every visible control with data-stop (one stop per radio group, since arrow keys
// move within it) and returns how many stops the keyboard should reach.
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
  return stops.size;
}
