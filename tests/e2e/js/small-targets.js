// Controls whose touch target is smaller than `min` CSS px either way. A checkbox or radio
// counts with its label, a file input with the button-styled label that covers it.
(min) => {
  const small = [];
  const controls = document.querySelectorAll("a[href], button, input, select, textarea");
  for (const element of controls) {
    if (!element.checkVisibility() && element.type !== "file") continue;
    let target = element;
    if (element.matches("input[type=checkbox], input[type=radio]")) {
      target = element.closest("label");
    }
    if (element.matches("input[type=file]")) target = element.closest(".file-picker");
    if (!target || !target.checkVisibility()) continue;
    const box = target.getBoundingClientRect();
    if (box.width < min || box.height < min) {
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${target.outerHTML.slice(0, 80)}: ${size}`);
    }
  }
  return small;
}
