// Roles and the champion flag: how they read and how they are chosen.
import { h } from "../dom.js";

export const ROLE_LABELS = {
  practitioner: "Practitioner",
  coach: "Coach",
  supervisor: "Supervisor",
  lead: "Implementation lead",
  // An external expert who sees only the recordings a lead shares with them, until a date;
  // the API refuses it beside any other role.
  guest: "Guest reviewer",
};

const ROLE_HINTS = {
  guest: "Only the recordings you share with them, until a date you choose. Give no other role with it.",
};

const CHAMPION_HINT = "For practitioners only: an experienced practitioner who promotes the programme and shares expertise.";

/** Checkboxes for the roles, `checked` ticked; the API names their problems `roles`. */
export function roleChoices(prefix, checked = []) {
  return h("fieldset", { "data-field": "roles" },
    h("legend", {}, "Roles"),
    Object.entries(ROLE_LABELS).map(([role, label]) => [
      h("label", { class: "choice" },
        h("input", { type: "checkbox", name: "roles", value: role, id: `${prefix}-role-${role}`, checked: checked.includes(role), "aria-describedby": ROLE_HINTS[role] ? `${prefix}-role-${role}-hint` : null }),
        h("span", {}, label)),
      ROLE_HINTS[role] ? h("span", { class: "hint", id: `${prefix}-role-${role}-hint` }, ROLE_HINTS[role]) : null,
    ]),
  );
}

export function championChoice(prefix, checked = false) {
  const hint = h("span", { class: "hint", id: `${prefix}-champion-hint` }, CHAMPION_HINT);
  return h("div", { class: "field", "data-field": "is_champion" },
    h("label", { class: "choice" },
      h("input", { type: "checkbox", name: "is_champion", id: `${prefix}-champion`, checked, "aria-describedby": hint.id }),
      h("span", {}, "Programme champion")),
    hint,
  );
}

export function chosenRoles(form) {
  return [...form.querySelectorAll("input[name=roles]:checked")].map((box) => box.value);
}

/** The roles as tags, and `extra` tags after them; spaces keep them words when read. */
export function roleTags(roles, isChampion, ...extra) {
  const tags = [
    ...roles.map((role) => h("span", { class: "tag" }, ROLE_LABELS[role] || role)),
    isChampion ? h("span", { class: "tag tag--champion" }, "Champion") : null,
    ...extra,
  ].filter(Boolean);
  return h("span", { class: "tags" }, tags.flatMap((tag, index) => (index ? [" ", tag] : [tag])));
}

export function roleWords(roles) {
  return roles.map((role) => (ROLE_LABELS[role] || role).toLowerCase()).join(", ");
}
