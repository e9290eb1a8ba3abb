// Who is signed in, their organisations and roles, and which organisation they are using.
import { api } from "./api.js";

const ORGANISATION_KEY = "tandem.organisation";
let me = null;

export async function loadMe() {
  me = await api.get("/me");
  return me;
}

/** Opened offline: who was signed in last on this device (local-data.js keeps it). */
export function useProfile(profile) {
  me = profile;
}

export function currentMe() {
  return me;
}

export function forgetMe() {
  me = null;
}

/** The membership in use: the one chosen before in this tab, else the first. */
export function currentMembership() {
  if (!me || me.memberships.length === 0) return null;
  const chosen = sessionStorage.getItem(ORGANISATION_KEY);
  return me.memberships.find((m) => m.organisation_id === chosen) || me.memberships[0];
}

export function chooseOrganisation(organisationId) {
  sessionStorage.setItem(ORGANISATION_KEY, organisationId);
}

export function hasRole(membership, ...roles) {
  return Boolean(membership) && membership.roles.some((role) => roles.includes(role));
}

export function displayName(person) {
  return (person && (person.display_name || person.email)) || "";
}
