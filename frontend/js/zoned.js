// Times in the organisation's time zone, whatever zone the phone is in: sessions are
// booked and shown in the zone of the organisation that runs them (the API says which).
// Intl does the zone rules (daylight saving included); nothing here knows a zone's offsets.

const formats = new Map();

function formatter(zone, options) {
  const key = `${zone}|${JSON.stringify(options)}`;
  if (!formats.has(key)) formats.set(key, new Intl.DateTimeFormat("en-GB", { timeZone: zone, ...options }));
  return formats.get(key);
}

function parts(date, zone) {
  const found = {};
  const options = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" };
  for (const part of formatter(zone, options).formatToParts(date)) found[part.type] = part.value;
  return found;
}

/** "2026-12-08": the calendar date of an instant in `zone`. */
export function localDate(instant, zone) {
  const p = parts(new Date(instant), zone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** "10:00": the wall-clock time of an instant in `zone`. */
export function localTime(instant, zone) {
  const p = parts(new Date(instant), zone);
  return `${p.hour}:${p.minute}`;
}

export function todayIn(zone) {
  return localDate(new Date(), zone);
}

/** "2026-12-08" plus `days` (calendar days; no zone involved). */
export function addDays(isoDate, days) {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** "Tue 8 Dec" */
export function dayLabel(isoDate) {
  const date = new Date(`${isoDate}T12:00:00Z`);
  return date.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
}

/** "Tue 8 Dec, 10:00–11:00" in `zone`. */
export function formatSpan(startsAt, endsAt, zone) {
  return `${dayLabel(localDate(startsAt, zone))}, ${localTime(startsAt, zone)}–${localTime(endsAt, zone)}`;
}

function offsetMinutes(instant, zone) {
  const p = parts(new Date(instant), zone);
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((asUtc - instant) / 60000);
}

/**
 * "2026-12-08" and "10:00" in `zone` as ISO 8601 with the zone's offset then
 * ("2026-12-08T10:00:00+00:00"). A time the clocks skip resolves forward, as calendars do.
 */
export function zonedIso(isoDate, time, zone) {
  const [year, month, day] = isoDate.split("-").map(Number);
  const [hour, minute] = time.split(":").map(Number);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // The offset at a first guess, then at the instant that guess gives: right on both sides
  // of a change.
  let offset = offsetMinutes(wall, zone);
  offset = offsetMinutes(wall - offset * 60000, zone);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${isoDate}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00${sign}${hh}:${mm}`;
}

/** "1 h 30 min", "45 min" */
export function formatMinutes(minutes) {
  const total = Math.round(minutes);
  if (total < 60) return `${total} min`;
  const rest = total % 60;
  return rest ? `${Math.floor(total / 60)} h ${rest} min` : `${Math.floor(total / 60)} h`;
}
