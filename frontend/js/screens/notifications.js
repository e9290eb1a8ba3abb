// Notifications: what is waiting (feedback, comments, shared reflections, objectives,
// rejected uploads), newest first. Opening one marks it read and goes to what it is
// about; "Mark all read" clears the badge. Below, how the person likes to hear of them.
import { api } from "../api.js";
import { alertBox, announce, h, replaceChildren } from "../dom.js";
import { formatDate } from "../format.js";
import { refreshUnread, setUnread, unreadCount } from "../notifications/count.js";
import { disablePush, enablePush, pushSupported } from "../notifications/push.js";
import { navigate } from "../router.js";

export const title = "Notifications";

const PAGE = 50;

function when(iso) {
  const time = new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  return `${formatDate(iso)}, ${time}`;
}

function item(notification) {
  const about = notification.title ? `: ${notification.title}` : "";
  const by = notification.actor_name ? ` · ${notification.actor_name}` : "";
  const link = h(
    "a",
    { class: "list__link notification__link", href: notification.link },
    h("span", { class: "stack" },
      h("span", { class: notification.read ? "" : "list__title" }, `${notification.summary}${about}`),
      h("span", { class: "list__meta" }, `${when(notification.created_at)}${by}`)),
  );
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    if (!notification.read) {
      try {
        await api.post(`/notifications/${notification.id}/read`);
        setUnread(Math.max(0, unreadCount() - 1));
      } catch {
        // Opening it matters more than marking it: the badge catches up on the next screen.
      }
    }
    navigate(notification.link.slice(1));
  });
  return h("li", { class: "list__item notification" }, link, notification.read ? null : h("span", { class: "unread" }, "New"));
}

function listSection(status) {
  const list = h("ul", { class: "list", id: "notification-list" });
  const more = h("button", { class: "button button--secondary", type: "button", hidden: true }, "Show older");
  const markAll = h("button", { class: "button button--secondary", type: "button", id: "mark-all-read" }, "Mark all read");
  const empty = h("p", { class: "muted", hidden: true }, "Nothing yet. Feedback, comments, shared reflections, changes to objectives and rejected uploads will appear here.");
  let offset = 0;

  async function load() {
    more.disabled = true;
    try {
      const page = await api.get(`/notifications?limit=${PAGE}&offset=${offset}`);
      offset += page.length;
      list.append(...page.map(item));
      more.hidden = page.length < PAGE;
      empty.hidden = offset > 0;
      markAll.hidden = offset === 0;
    } catch (error) {
      replaceChildren(status, alertBox("error", null, `Notifications could not be loaded: ${error.message}`));
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener("click", load);
  markAll.addEventListener("click", async () => {
    markAll.disabled = true;
    try {
      const answer = await api.post("/notifications/read-all");
      for (const row of list.querySelectorAll(".notification")) {
        row.querySelector(".unread")?.remove();
        row.querySelector(".list__title")?.classList.remove("list__title");
      }
      setUnread(0);
      announce(answer.marked_read === 1 ? "1 notification marked read." : `${answer.marked_read} notifications marked read.`);
      refreshUnread();
    } catch (error) {
      replaceChildren(status, alertBox("error", null, `Could not mark them read: ${error.message}`));
    } finally {
      markAll.disabled = false;
    }
  });
  return { section: h("section", { "aria-label": "Your notifications" }, h("div", { class: "actions" }, markAll), empty, list, more), load };
}

function choice(id, label, hint, checked) {
  const input = h("input", { type: "checkbox", id, checked, "aria-describedby": `${id}-hint` });
  return {
    input,
    field: h("div", { class: "field" }, h("label", { class: "choice", for: id }, input, h("span", {}, label)), h("span", { class: "hint", id: `${id}-hint` }, hint)),
  };
}

async function preferencesSection() {
  const status = h("div", { "aria-live": "polite" });
  let current;
  let key;
  try {
    [current, key] = await Promise.all([api.get("/me/notification-settings"), api.get("/push/public-key")]);
  } catch (error) {
    return h("section", {}, h("h2", {}, "How you hear of them"), alertBox("error", null, error.message));
  }
  const email = choice("email-digest", "Email me a daily summary", "At most once a day, only when something new is waiting. It says what happened and links here; no names, titles or comments.", current.email_digest);
  const canPush = key.enabled && pushSupported();
  const pushHint = !key.enabled
    ? "Push notifications are not set up on this Tandem server."
    : !pushSupported()
      ? "This browser cannot receive push notifications."
      : "On this device, a short alert such as “You have new feedback in Tandem”, with nothing personal in it.";
  const push = choice("web-push", "Push notifications", pushHint, current.web_push && canPush);
  push.input.disabled = !canPush;

  email.input.addEventListener("change", async () => {
    email.input.disabled = true;
    try {
      current = await api.patch("/me/notification-settings", { email_digest: email.input.checked });
      replaceChildren(status, alertBox("success", null, current.email_digest ? "The daily email is on." : "The daily email is off."));
    } catch (error) {
      email.input.checked = current.email_digest;
      replaceChildren(status, alertBox("error", null, error.message));
    } finally {
      email.input.disabled = false;
    }
  });
  push.input.addEventListener("change", async () => {
    push.input.disabled = true;
    try {
      current = push.input.checked ? await enablePush(key.public_key) : await disablePush();
      replaceChildren(status, alertBox("success", null, current.web_push ? "Push notifications are on for this device." : "Push notifications are off."));
    } catch (error) {
      push.input.checked = current.web_push;
      replaceChildren(status, alertBox("error", null, error.message));
    } finally {
      push.input.disabled = false;
    }
  });
  return h("section", { class: "notification-settings", "aria-labelledby": "notification-settings" }, h("h2", { id: "notification-settings" }, "How you hear of them"), email.field, push.field, status);
}

export async function render(main) {
  const status = h("div", {});
  const { section, load } = listSection(status);
  main.append(h("h1", {}, "Notifications"), status, section);
  await load();
  main.append(await preferencesSection());
}
