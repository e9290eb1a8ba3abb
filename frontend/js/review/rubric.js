// The rubric a recording is scored against: the version its programme uses, or the version
// an observation used. Versions never change, so one fetch each per screen.
import { api } from "../api.js";

const versions = new Map();

async function rubricsOf(organisationId, programmeId) {
  const query = programmeId ? `?programme_id=${programmeId}` : "";
  return api.getAll(`/organisations/${organisationId}/rubrics${query}`);
}

async function loadVersion(organisationId, rubricId, number) {
  const key = `${rubricId}/${number}`;
  if (!versions.has(key)) {
    versions.set(key, api.get(`/organisations/${organisationId}/rubrics/${rubricId}/versions/${number}`));
  }
  return versions.get(key);
}

/**
 * The version to score this recording against: the one its programme uses (the lead
 * chooses it on the programme's screen), or null when there is none. A recording with no
 * programme takes the first programme, by name, that uses a version (as the API accepts).
 */
export async function publishedVersionFor(recording) {
  const organisationId = recording.organisation_id;
  const base = `/organisations/${organisationId}/programmes`;
  const programmes = recording.programme_id ? [await api.get(`${base}/${recording.programme_id}`)] : await api.getAll(base);
  const using = programmes.find((programme) => programme.rubric_in_use);
  if (!using) return null;
  return loadVersion(organisationId, using.rubric_in_use.rubric_id, using.rubric_in_use.version);
}

/** A version by its id (an observation's), published or since retired. */
export async function versionById(organisationId, versionId) {
  const rubrics = await rubricsOf(organisationId, null);
  for (const rubric of rubrics) {
    const found = rubric.versions.find((version) => version.id === versionId);
    if (found) return loadVersion(organisationId, rubric.id, found.version);
  }
  return null;
}

export function levelLabel(version, level) {
  const step = version.scale.find((s) => s.level === level);
  return step ? `${level} ${step.label}` : String(level);
}
