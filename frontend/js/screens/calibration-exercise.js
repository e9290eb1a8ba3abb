// One calibration exercise: who rates it and who has submitted; for a rater, the way to
// score it (the review screen, blind); for a lead, closing it early; once closed, results.
import { api, ApiError } from "../api.js";
import { alertBox, announce, append, h } from "../dom.js";
import { formatDate } from "../format.js";
import { fill, section } from "../home/section.js";
import { currentMe, currentMembership, hasRole } from "../me.js";
import { recordingTitle } from "../calibration/item.js";
import { resultsView } from "../calibration/results.js";
import { navigate } from "../router.js";

export const title = "Calibration exercise";

function raterList(exercise, me) {
  return h("ul", { class: "list" }, exercise.raters.map((rater) => h("li", { class: "list__item" },
    h("span", { class: "list__title" }, rater.user_id === me ? `${rater.display_name} (you)` : rater.display_name),
    h("span", { class: `tag ${rater.submitted ? "tag--completed" : "tag--proposed"}` }, rater.submitted ? "Submitted" : "Not yet"))));
}

export async function render(main, { params }) {
  const membership = currentMembership();
  const me = currentMe();
  let exercise;
  try {
    exercise = await api.get(`/calibration-exercises/${params.id}`);
  } catch (error) {
    append(main, h("h1", {}, title), alertBox("error", error instanceof ApiError && error.status === 404 ? "Exercise not found" : "The exercise could not be loaded", error.message));
    return null;
  }
  const lead = hasRole(membership, "lead");
  const submitted = exercise.raters.filter((rater) => rater.submitted).length;
  const mine = exercise.raters.find((rater) => rater.user_id === me.id);
  append(main,
    h("p", { class: "breadcrumb" }, h("a", { href: "#/calibration" }, "Calibration")),
    h("h1", {}, exercise.title),
    h("p", { class: "lede" }, exercise.status === "open"
      ? `${recordingTitle(exercise)}. Open since ${formatDate(exercise.created_at)}: ${submitted} of ${exercise.raters.length} raters have submitted. It closes when the last one does.`
      : `${recordingTitle(exercise)}. Closed ${formatDate(exercise.closed_at)}, with ${submitted} of ${exercise.raters.length} raters.`));

  if (exercise.status === "open" && mine && !mine.submitted) {
    const start = h("button", { class: "button", type: "button" }, exercise.my_observation_id ? "Go on scoring" : "Score the recording");
    const status = h("div", { class: "form-status" });
    start.addEventListener("click", async () => {
      start.disabled = true;
      try {
        await api.post(`/calibration-exercises/${exercise.id}/observation`, {});
        navigate(`/recordings/${exercise.recording_id}?calibration=${exercise.id}`);
      } catch (error) {
        status.replaceChildren(alertBox("error", "Scoring could not start", error.message));
        start.disabled = false;
      }
    });
    append(main, h("section", { class: "card" },
      h("h2", {}, "Your scoring"),
      h("p", {}, "Watch the recording and score every criterion on your own: nobody's scores, comments or the gold standard show until the exercise closes."),
      status, h("div", { class: "actions" }, start)));
  } else if (exercise.status === "open" && mine) {
    append(main, alertBox("info", null, "You have submitted your scores. Your results against the other raters and the gold standard show here when the exercise closes."));
  }

  const people = section("Raters");
  people.show(raterList(exercise, me.id));
  append(main, people.element);

  if (exercise.status === "open" && lead) {
    const close = h("button", { class: "button button--secondary", type: "button" }, "Close now");
    const status = h("div", { class: "form-status" });
    close.addEventListener("click", async () => {
      if (!window.confirm(`Close "${exercise.title}" with ${submitted} of ${exercise.raters.length} raters? The others can no longer submit.`)) return;
      close.disabled = true;
      try {
        await api.post(`/calibration-exercises/${exercise.id}/close`, {});
        announce("The exercise is closed.");
        navigate(`/calibration/${exercise.id}`);
      } catch (error) {
        status.replaceChildren(alertBox("error", "The exercise was not closed", error.message));
        close.disabled = false;
      }
    });
    append(main, h("section", { class: "card" },
      h("h2", {}, "Close early"),
      h("p", {}, "Close the exercise before everyone has scored to see the results of those who have (two at least)."),
      status, h("div", { class: "actions" }, close)));
  }

  if (exercise.status === "closed") {
    main.classList.add("page--wide");
    const names = new Map(exercise.raters.map((rater) => [rater.user_id, rater.display_name]));
    const results = section(lead ? "Results" : "Your results");
    fill(results, async () => resultsView(await api.get(`/calibration-exercises/${exercise.id}/results`), { names, me: me.id, lead }));
    append(main, results.element);
    return () => main.classList.remove("page--wide");
  }
  return null;
}

