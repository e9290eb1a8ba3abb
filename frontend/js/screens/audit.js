// Audit trail: what was done in the organisation, by whom, to what and when (in the
// organisation's time zone), newest first, narrowed by action, person and days; a page at
// a time, and every event of the view as a CSV download.
import { API, api } from "../api.js";
import { alertBox, announce, append, h, replaceChildren } from "../dom.js";
import { showApiError } from "../forms.js";
import { fill, section } from "../home/section.js";
import { currentMembership, hasRole } from "../me.js";
import { eventRow, eventTable } from "../audit/events.js";
import { AUDIT_FILTERS, auditFilterForm } from "../audit/filters.js";
import { byName, organisationNav } from "../members/layout.js";
import { chosenFilters } from "../reports/filters.js";

export const title = "Audit trail";

const PAGE_SIZE = 50;

function eventsPath(base, filters, extra = {}) {
  const params = new URLSearchParams(filters);
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  return `${base}/audit-events?${params}`;
}

function countWords(count, more) {
  const events = count === 1 ? "1 event" : `${count} events`;
  return more ? `The newest ${events} shown.` : `${events}.`;
}

/** The events of the view, PAGE_SIZE at a time, with "Load more" while there may be
 * more, below the download of them all. */
async function eventList(base, filters, zone, download) {
  const rows = h("tbody", {});
  const count = h("p", { class: "muted", role: "status" });
  const more = h("button", { class: "button button--secondary", type: "button" }, "Load more");
  const moreBox = h("div", { class: "actions" }, more);
  let shown = 0;

  async function load() {
    const page = await api.get(eventsPath(base, filters, { limit: PAGE_SIZE, offset: shown }));
    append(rows, page.map((event) => eventRow(event, zone)));
    shown += page.length;
    const hasMore = page.length === PAGE_SIZE;
    moreBox.hidden = !hasMore;
    count.textContent = countWords(shown, hasMore);
    return page;
  }

  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const page = await load();
      announce(`${page.length} more ${page.length === 1 ? "event" : "events"} shown.`);
    } catch (error) {
      replaceChildren(moreBox, alertBox("error", null, `More events could not be loaded. ${error.message}`), more);
    } finally {
      more.disabled = false;
    }
  });

  await load();
  if (!shown) return h("p", {}, filters.toString() ? "No event matches these filters." : "Nothing has been recorded yet.");
  const table = eventTable("Events, newest first", []);
  table.querySelector("tbody").replaceWith(rows);
  return [h("div", { class: "actions" }, download), count, table, moreBox];
}

export async function render(main, { query }) {
  const membership = currentMembership();
  append(main, h("h1", {}, title));
  if (!membership || !hasRole(membership, "lead")) {
    append(main, alertBox("info", null, "The audit trail is for implementation leads."));
    return null;
  }
  main.classList.add("page--wide");
  const done = () => main.classList.remove("page--wide");
  const base = `/organisations/${membership.organisation_id}`;
  const filters = chosenFilters(query, AUDIT_FILTERS);
  let organisation, actions, members;
  try {
    [organisation, actions, members] = await Promise.all([
      api.get(base), api.getAll(`${base}/audit-actions`), api.getAll(`${base}/members`),
    ]);
  } catch (error) {
    append(main, alertBox("error", "The audit trail could not be loaded", error.message));
    return done;
  }
  const form = auditFilterForm({ actions, members: byName(members), query });
  const status = h("div", { class: "form-status" });
  const download = h("a", {
    class: "button button--secondary",
    href: `${API}${eventsPath(base, filters, { format: "csv" })}`,
    download: "",
  }, "Download CSV");
  const events = section("Events", {
    intro: `Times are in ${organisation.time_zone}. The CSV holds every event these filters keep.`,
  });
  append(main,
    h("p", { class: "lede" }, "Who did what in the organisation, and when: sign-ins, changes to members and settings, recordings viewed and deleted."),
    organisationNav("/audit"),
    form, status, events.element);
  fill(events, async () => {
    try {
      return await eventList(base, filters, organisation.time_zone, download);
    } catch (error) {
      // A filter the API refuses (a period that ends before it starts) is shown beside it.
      if (error.status === 422) {
        showApiError(form, status, error, { title: "These filters cannot be used" });
        return h("p", { class: "muted" }, "Change the filters to see events.");
      }
      throw error;
    }
  });
  return done;
}
