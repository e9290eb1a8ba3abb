// The player: the media element (video or audio, loading /api/v1/recordings/{id}/media
// directly, never through the service worker's cache), play/pause, back 5 s, a seek bar and
// the comment timeline under it (timeline.js, given by the comments).
//
// The media route checks who may watch, audits the viewing and redirects to a short-lived
// link (ours on disk, a presigned URL on S3); the browser sends the viewing's Range
// requests (every seek) to the link, which costs the server no sign-in or access check.
// A link that expires during a long sitting fails the next read: the player asks the
// media route again and carries on where the person was.
import { h } from "../dom.js";
import { formatClock } from "../format.js";

export function createPlayer(recording) {
  const isVideo = recording.has_video !== false && !(recording.media_type || "").startsWith("audio/");
  const media = h(isVideo ? "video" : "audio", {
    class: isVideo ? "player__video" : "player__audio",
    src: recording.media_url ? `${recording.media_url}?redirect=true` : null,
    poster: isVideo && recording.poster_url ? recording.poster_url : null,
    // The frame's size, when known, reserves its space before the poster arrives.
    width: isVideo && recording.width ? String(recording.width) : null,
    height: isVideo && recording.height ? String(recording.height) : null,
    // Nothing is fetched (or audited as a view) until the person plays or seeks.
    preload: "none",
    playsinline: true,
    "aria-label": `Recording: ${recording.title}`,
  });
  const fallbackDuration = recording.duration_seconds || 0;
  const duration = () => (Number.isFinite(media.duration) && media.duration > 0 ? media.duration : fallbackDuration);

  const playButton = h("button", { class: "button", type: "button", "aria-keyshortcuts": "k" }, "Play");
  const backButton = h("button", { class: "button button--secondary", type: "button", "aria-keyshortcuts": "j" }, "Back 5 s");
  const clock = h("span", { class: "player__clock", "aria-hidden": "true" }, "00:00");
  const seek = h("input", {
    class: "player__seek",
    type: "range",
    id: "player-seek",
    min: "0",
    max: String(Math.max(1, Math.round(fallbackDuration * 10))),
    step: "1",
    value: "0",
  });
  const timelineSlot = h("div", { class: "player__timeline" });
  const problem = h("p", { class: "field-error", role: "alert", hidden: true });

  function showTime() {
    const total = duration();
    const now = media.currentTime || 0;
    clock.textContent = `${formatClock(now)} / ${formatClock(total)}`;
    seek.max = String(Math.max(1, Math.round(total * 10)));
    if (document.activeElement !== seek) seek.value = String(Math.round(now * 10));
    seek.setAttribute("aria-valuetext", `${formatClock(now)} of ${formatClock(total)}`);
  }
  function showPlaying() {
    playButton.textContent = media.paused ? "Play" : "Pause";
  }

  function wake() {
    if (media.preload === "none") media.preload = "metadata";
  }

  const player = {
    media,
    currentTime: () => media.currentTime || 0,
    seek(seconds) {
      // Before the media has loaded, this is where playback will start once it has.
      wake();
      media.currentTime = Math.max(0, Math.min(seconds, duration() || seconds));
      showTime();
    },
    pause() {
      if (!media.paused) media.pause();
    },
    toggle() {
      wake();
      if (media.paused) media.play().catch(() => {});
      else media.pause();
    },
    back(seconds = 5) {
      player.seek((media.currentTime || 0) - seconds);
    },
    /** Brings the player into view (on every size) when it is not wholly in it. */
    reveal() {
      const box = player.element.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) player.element.scrollIntoView({ block: "nearest" });
    },
    /** Shows the comments on `timeline` (timeline.js), redrawn once the real duration is known. */
    setTimeline(timeline) {
      timelineSlot.replaceChildren(timeline.element);
      player.timeline = timeline;
    },
    setMarkers(comments) {
      lastMarkers = comments;
      if (player.timeline) player.timeline.show(comments, duration() * 1000);
    },
  };
  let lastMarkers = [];

  playButton.addEventListener("click", () => player.toggle());
  backButton.addEventListener("click", () => player.back());
  seek.addEventListener("input", () => player.seek(Number(seek.value) / 10));
  for (const event of ["timeupdate", "durationchange", "loadedmetadata", "seeked"]) media.addEventListener(event, showTime);
  for (const event of ["play", "pause", "ended"]) media.addEventListener(event, showPlaying);
  // Whether the current link has loaded: only then is a failed read worth a fresh link.
  // A fresh one that fails too, a recording erased meanwhile, a file that cannot be
  // decoded, or a second failure within 10 s of a renewal is shown as a problem, so the
  // player never loops.
  let linkLoaded = false;
  let renewedAt = 0;
  media.addEventListener("loadedmetadata", () => {
    linkLoaded = true;
  });
  function worthRenewing() {
    const decoding = media.error && media.error.code === MediaError.MEDIA_ERR_DECODE;
    return linkLoaded && !decoding && Date.now() - renewedAt > 10_000 && media.getAttribute("src");
  }
  function renewLink() {
    linkLoaded = false;
    renewedAt = Date.now();
    const at = media.currentTime || 0;
    const resume = !media.paused;
    media.addEventListener("loadedmetadata", () => {
      media.currentTime = at;
      if (resume) media.play().catch(() => {});
    }, { once: true });
    media.load(); // the media route again (its answers are never cached): a fresh link
  }
  media.addEventListener("error", () => {
    if (worthRenewing()) {
      renewLink();
      return;
    }
    problem.textContent = "The recording could not be played. Check your connection and reload the page.";
    problem.hidden = false;
  });
  media.addEventListener("durationchange", () => player.setMarkers(lastMarkers));
  showTime();

  player.element = h("div", { class: "player" },
    h("div", { class: isVideo ? "player__frame" : "player__frame player__frame--audio" }, media),
    problem,
    h("label", { class: "visually-hidden", for: seek.id }, "Position in the recording"),
    seek,
    h("div", { class: "player__controls" }, playButton, backButton, clock),
    timelineSlot,
  );
  player.destroy = () => {
    media.pause();
    media.removeAttribute("src");
    media.load();
  };
  return player;
}
