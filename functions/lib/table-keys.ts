/**
 * The partition keys of the connector's one table (docs/ARCHITECTURE.md "The DynamoDB table"), in one place: the
 * code that reads and writes the items builds its keys here, and the stack builds each function's
 * `dynamodb:LeadingKeys` condition from the same functions (with `*` for the part a function may vary), so a key
 * and the permission to touch it cannot drift apart. No imports: infra/ loads this file at synth.
 */

/** The record of one published event. */
export function dedupeKey(connection: string, uuid: string): string {
  return `dedupe#${connection}#${uuid}`;
}

/** A connection's publish lock. */
export function publishLockKey(connection: string): string {
  return `lock#${connection}#publish`;
}

export function pollCursorKey(connection: string): string {
  return `cursor#${connection}#poll`;
}

export function searchCursorKey(connection: string, search: string): string {
  return `cursor#${connection}#search#${search}`;
}

/** The lock that lets one run at a time cover a search's windows. */
export function searchLockKey(connection: string, search: string): string {
  return `lock#${connection}#search#${search}`;
}

/** The lock of an authorization-code connection's refresh-token renewal. */
export function signInLockKey(connection: string): string {
  return `lock#${connection}#sign-in`;
}

/** A consent an operator started, until its one-time URL is opened (`functions/oauth/start-consent.ts`). */
export function consentTicketKey(ticket: string): string {
  return `oauth-consent#${ticket}`;
}

/** A consent in the browser, from `/oauth/authorize` to `/oauth/callback`. */
export function oauthStateKey(state: string): string {
  return `oauth-state#${state}`;
}
