/**
 * How a user looks on the wire (the spec's `User`, shaped like the samples) and to a search (the same fields,
 * read by SCIM attribute paths). Search sees what was indexed: within `searchLagMs` of a write, the user as
 * it was before it (Okta's user search is eventually consistent).
 */
import { isoDate } from '../clock.js';
import type { UserRecord } from '../directory.js';
import type { Org } from '../org.js';

const iso = (epochMs: number | null): string | null => (epochMs === null ? null : isoDate(epochMs));

/**
 * The lifecycle links Okta puts on a single user, by status (facts §10.4, recorded 2025-26): every status offers
 * `resetFactors`; STAGED offers no `deactivate`, PROVISIONED also offers `suspend` and `resetPassword`,
 * DEPROVISIONED offers `delete`. LOCKED_OUT and RECOVERY are not recorded (documentation-only).
 */
function lifecycleLinks(user: UserRecord, userUrl: string): Record<string, { href: string; method?: string }> {
  const post = (path: string) => ({ href: `${userUrl}/${path}`, method: 'POST' });
  const lifecycle = (operation: string) => post(`lifecycle/${operation}`);
  const resetFactors = lifecycle('reset_factors');
  switch (user.status) {
    case 'STAGED':
      return { activate: lifecycle('activate'), resetFactors };
    case 'PROVISIONED':
      return {
        suspend: lifecycle('suspend'),
        resetPassword: lifecycle('reset_password'),
        reactivate: lifecycle('reactivate'),
        resetFactors,
        deactivate: lifecycle('deactivate'),
      };
    case 'DEPROVISIONED':
      return { activate: lifecycle('activate'), resetFactors, delete: { href: userUrl, method: 'DELETE' } };
    case 'SUSPENDED':
      return { unsuspend: lifecycle('unsuspend'), resetFactors, deactivate: lifecycle('deactivate') };
    case 'LOCKED_OUT':
      return { unlock: lifecycle('unlock'), resetFactors, deactivate: lifecycle('deactivate') };
    case 'RECOVERY':
      return { reactivate: lifecycle('reactivate'), resetFactors, deactivate: lifecycle('deactivate') };
    default:
      return {
        suspend: lifecycle('suspend'),
        resetPassword: lifecycle('reset_password'),
        forgotPassword: post('credentials/forgot_password'),
        expirePassword: lifecycle('expire_password'),
        changeRecoveryQuestion: post('credentials/change_recovery_question'),
        resetFactors,
        changePassword: post('credentials/change_password'),
        deactivate: lifecycle('deactivate'),
      };
  }
}

export interface UserJsonOptions {
  /** In a collection Okta sends only the `self` link (CORE "Links in collections"). */
  inCollection?: boolean;
  /** `okta-response="omitCredentials,omitCredentialsLinks,..."`: leave out credentials and their links. */
  omitCredentials?: boolean;
  omitCredentialsLinks?: boolean;
}

/** The user as Okta returns it from get, create, update and list. */
export function userJson(org: Org, user: UserRecord, options: UserJsonOptions = {}): Record<string, unknown> {
  const userUrl = `${org.baseUrl()}/api/v1/users/${user.id}`;
  // A password user's credentials also list the primary email, verified (okta-sdk-python.json[0]); a user
  // without a password has the provider only (terraform-provider-okta.json[0]).
  const credentials: Record<string, unknown> = {};
  if (user.password !== undefined) {
    credentials.password = {};
    credentials.emails = [{ value: user.profile.email ?? null, status: 'VERIFIED', type: 'PRIMARY' }];
  }
  if (user.recoveryQuestion) credentials.recovery_question = { question: user.recoveryQuestion.question };
  credentials.provider = user.provider;
  const links: Record<string, unknown> = options.inCollection
    ? { self: { href: userUrl } }
    : {
        ...(options.omitCredentialsLinks ? {} : lifecycleLinks(user, userUrl)),
        schema: { href: `${org.baseUrl()}/api/v1/meta/schemas/user/${user.typeId.replace(/^oty/, 'osc')}` },
        type: { href: `${org.baseUrl()}/api/v1/meta/types/user/${user.typeId}` },
        self: { href: userUrl },
      };
  return {
    ...userSearchView(user),
    ...(options.omitCredentials ? {} : { credentials }),
    _links: links,
  };
}

/** Reads the `okta-response` option of `Content-Type` (or of its own header) on user GETs. */
export function userJsonOptions(contentType: string | undefined, oktaResponse: string | undefined): UserJsonOptions {
  const match = /okta-response="?([^";]*)"?/.exec(contentType ?? '');
  const value = oktaResponse ?? match?.[1] ?? '';
  return {
    omitCredentials: value.includes('omitCredentials'),
    omitCredentialsLinks: value.includes('omitCredentialsLinks'),
  };
}

/** The attributes a search or filter reads (dates as ISO strings, so `gt "2024-01-01T00:00:00.000Z"` works). */
export function userSearchView(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    status: user.status,
    created: isoDate(user.created),
    activated: iso(user.activated),
    statusChanged: iso(user.statusChanged),
    lastLogin: iso(user.lastLogin),
    lastUpdated: isoDate(user.lastUpdated),
    passwordChanged: iso(user.passwordChanged),
    type: { id: user.typeId },
    profile: profileJson(user.profile),
  };
}

/**
 * The profile as Okta returns it: `mobilePhone` and `secondEmail` always (null when unset), every other
 * attribute only when it has a value, so a `postalAddress: null` sent on create is not echoed
 * (terraform-provider-okta.json[0]).
 */
function profileJson(profile: Record<string, unknown>): Record<string, unknown> {
  const json: Record<string, unknown> = { mobilePhone: null, secondEmail: null };
  for (const name in profile) if (profile[name] !== null || name in json) json[name] = profile[name];
  return json;
}

/** Call before changing a user: keeps what the search index still shows while the change is "indexing". */
export function recordUserWrite(org: Org, user: UserRecord): void {
  const now = org.clock.now();
  // A copy of the profile: the record's own profile object is replaced or changed by the write that follows.
  if (org.searchLagMs > 0 && now - user.writtenAt >= org.searchLagMs)
    user.searchPrevious = { ...userSearchView(user), profile: { ...user.profile } };
  user.writtenAt = now;
}

/** The view a search sees now: the current user, the one before the last write, or nothing yet. */
export function indexedUserView(org: Org, user: UserRecord): Record<string, unknown> | undefined {
  if (org.searchLagMs > 0 && org.clock.now() - user.writtenAt < org.searchLagMs) {
    return user.searchPrevious ?? undefined;
  }
  return userSearchView(user);
}
