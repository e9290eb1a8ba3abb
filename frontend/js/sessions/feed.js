// The calendar feed card: a private link calendar apps subscribe to, copied or replaced.
import { api } from "../api.js";
import { alertBox, announce, h, replaceChildren } from "../dom.js";
import { fill, section } from "../home/section.js";

function feedContent(part, url, message = null) {
  const input = h("input", { class: "input", id: "calendar-feed-url", type: "text", readonly: true, value: url });
  const status = h("div", {}, message);
  const copy = h("button", { class: "button button--secondary", type: "button" }, "Copy link");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(url);
      replaceChildren(status, alertBox("success", null, "Link copied."));
    } catch {
      input.select();
      replaceChildren(status, alertBox("info", null, "Select the link and copy it."));
    }
  });
  const reset = h("button", { class: "button button--danger", type: "button" }, "Replace link");
  reset.addEventListener("click", async () => {
    if (!window.confirm("Calendars subscribed to the old link stop updating. Replace the link?")) return;
    try {
      const fresh = await api.post("/me/calendar-feed/reset", {});
      part.show(feedContent(part, fresh.url, alertBox("success", null, "A new link is ready; the old one no longer works.")));
      announce("Calendar link replaced.");
    } catch (error) {
      replaceChildren(status, alertBox("error", "The link was not replaced", error.message));
    }
  });
  return [
    h("div", { class: "field" }, h("label", { for: input.id }, "Your calendar link"), input),
    status,
    h("div", { class: "actions" }, copy, reset),
  ];
}

export function calendarFeedCard() {
  const part = section("Calendar feed", {
    intro: "Add your Tandem sessions to your phone's or computer's calendar by subscribing to this private link. Anyone with the link sees your sessions, so keep it to yourself.",
  });
  fill(part, async () => feedContent(part, (await api.get("/me/calendar-feed")).url));
  return part.element;
}
