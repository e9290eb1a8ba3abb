// Building the page with DOM calls (never innerHTML with data), and telling screen readers.

/**
 * h("a", {href: "#/", class: "button"}, "Home"): an element with attributes and children.
 * `on: {click: fn}` adds listeners; false or null attributes and children are skipped.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "on") {
      for (const [event, listener] of Object.entries(value)) element.addEventListener(event, listener);
    } else if (name === "class") {
      element.className = value;
    } else if (value === true) {
      // Boolean attributes (selected, checked, hidden...) as attributes: their defaults.
      element.setAttribute(name, "");
    } else if (name in element && typeof value !== "string") {
      element[name] = value;
    } else {
      element.setAttribute(name, value);
    }
  }
  append(element, children);
  return element;
}

export function append(parent, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** Say something to screen-reader users without moving their focus. */
export function announce(message) {
  const announcer = document.getElementById("announcer");
  if (!announcer) return;
  announcer.textContent = "";
  // A fresh text node in a later task is what makes every screen reader speak it again.
  window.setTimeout(() => {
    announcer.textContent = message;
  }, 50);
}

/** An alert box; role=alert for errors so they are read out when they appear. */
export function alertBox(kind, title, ...body) {
  return h(
    "div",
    { class: `alert alert--${kind}`, role: kind === "error" ? "alert" : "status", tabindex: "-1" },
    title ? h("h2", { class: "alert__title" }, title) : null,
    body.map((part) => (typeof part === "string" ? h("p", {}, part) : part)),
  );
}

/** A table's caption: in a table that scrolls sideways (.table-wrap), it stays in view and
 * wraps to the width shown, rather than running off under the scroll. */
export function tableCaption(text) {
  return h("caption", {}, h("span", { class: "table__caption" }, text));
}

let idCounter = 0;
export function uniqueId(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
