// Recordings: every recording the person may see, newest first, narrowed by title, status,
// practitioner, programme and the days recorded on; the filters live in the URL, so the
// view survives a reload and can be shared. A page at a time, with "Load more".
import { api } from "../api.js";
import { alertBox, announce, append, h } from "../dom.js";
import { showApiError } from "../forms.js";
import { assignedPractitioners } from "../home/coach.js";
import { fill, section } from "../home/section.js";
import { currentMe, currentMembership, displayName, hasRole } from "../me.js";
import { chosenFilters } from "../reports/filters.js";
import { RECORDING_FILTERS, recordingFilterForm } from "../recordings/filters.js";
import { recordingItem } from "../recordings/item.js";

export const title = "Recordings";

const PAGE_SIZE = 25;

/** Whom the person may narrow to: every practitioner for a lead, else those they coach or
 * supervise; nobody for someone who sees only their own recordings. */
async function practitionerOptions(membership, me) {
  let people = [];
  if (hasRole(membership, "lead")) {
    const members = await api.getAll(`/organisations/${membership.organisation_id}/members`);
    people = members.filter((member) => member.roles.includes("practitioner"));
  } else if (hasRole(membership, "coach", "supervisor")) {
    const kinds = ["coach", "supervisor"].filter((kind) => hasRole(membership, kind));
    const found = await Promise.all(kinds.map((kind) => assignedPractitioners(membership, me, kind)));
    people = [...new Map(found.flat().map((person) => [person.user_id, person])).values()];
  }
  return people
    .map((person) => ({ value: person.user_id, label: displayName(person) }))
    .sort((a, b) => a.label.localeCompare(b.label, "en-GB"));
}

function countWords(count, more) {
  const recordings = count === 1 ? "1 recording" : `${count} recordings`;
  return more ? `The newest ${recordings} shown.` : `${recordings}.`;
}

/** The recordings of the view, PAGE_SIZE at a time, with "Load more" while there may be more. */
async function recordingList(base, filters, showPractitioner) {
  const list = h("ul", { class: "list" });
  const count = h("p", { class: "muted", role: "status" });
  const more = h("button", { class: "button button--secondary", type: "button" }, "Load more");
  const moreBox = h("div", { class: "actions" }, more);
  let shown = 0;

  async function load() {
    const params = new URLSearchParams(filters);
    params.set("limit", PAGE_SIZE);
    params.set("offset", shown);
    const page = await api.get(`/recordings?${base}&${params}`);
    append(list, page.map((recording) => recordingItem(recording, { practitioner: showPractitioner })));
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
      announce(`${page.length} more ${page.length === 1 ? "recording" : "recordings"} shown.`);
    } catch (error) {
      moreBox.before(alertBox("error", null, `More recordings could not be loaded. ${error.message}`));
    } finally {
      more.disabled = false;
    }
  });

  await load();
  if (!shown) return h("p", {}, filters.toString() ? "No recording matches these filters." : "There are no recordings for you to see yet.");
  return [count, list, moreBox];
}

export async function render(main, { query }) {
  const membership = currentMembership();
  const me = currentMe();
  append(main, h("h1", {}, title));
  if (!membership || hasRole(membership, "guest")) {
    append(main, alertBox("info", null, "Your home screen lists the recordings shared with you."));
    return null;
  }
  const base = `organisation_id=${membership.organisation_id}`;
  const filters = chosenFilters(query, RECORDING_FILTERS);
  let practitioners, programmes;
  try {
    [practitioners, programmes] = await Promise.all([
      practitionerOptions(membership, me),
      api.getAll(`/organisations/${membership.organisation_id}/programmes`),
    ]);
  } catch (error) {
    append(main, alertBox("error", "Recordings could not be loaded", error.message));
    return null;
  }
  const form = recordingFilterForm({
    query,
    practitioners,
    programmes: programmes.map((programme) => ({ value: programme.id, label: programme.name })),
  });
  const status = h("div", { class: "form-status" });
  const results = section("Results");
  append(main,
    h("p", { class: "lede" }, "Every recording you may see, newest first. Find one by its title, or narrow the list."),
    form, status, results.element);
  const showPractitioner = hasRole(membership, "coach", "supervisor", "lead");
  fill(results, async () => {
    try {
      return await recordingList(base, filters, showPractitioner);
    } catch (error) {
      // A filter the API refuses (a period that ends before it starts) is shown beside it.
      if (error.status === 422) {
        showApiError(form, status, error, { title: "These filters cannot be used" });
        return h("p", { class: "muted" }, "Change the filters to see recordings.");
      }
      throw error;
    }
  });
  return null;
}
