// The organisation's settings a screen needs (its time zone), fetched once per page load.
import { api } from "../api.js";

const loaded = new Map();

export function organisationSettings(organisationId) {
  if (!loaded.has(organisationId)) {
    const request = api.get(`/organisations/${organisationId}`);
    // A failed read is not kept: the next screen asks again.
    request.catch(() => loaded.delete(organisationId));
    loaded.set(organisationId, request);
  }
  return loaded.get(organisationId);
}

export async function organisationZone(organisationId) {
  return (await organisationSettings(organisationId)).time_zone;
}
