// The rubric a recording is scored against: the published version of its programme's rubric,
// or the version an observation used. Versions never change, so one fetch each per screen.
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

/** The published version to score this recording against, or null when there is none. */
export async function publishedVersionFor(recording) {
  const rubrics = await rubricsOf(recording.organisation_id, recording.programme_id);
  for (const rubric of rubrics) {
    const published = rubric.versions.find((version) => version.status === "published");
    if (published) return loadVersion(recording.organisation_id, rubric.id, published.version);
  }
  return null;
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
