/**
 * The schema pieces the action catalog is built from: ids, flags, Okta objects, and the example objects its
 * documentation shows. Data only; nothing here runs on a request. The input pieces keep their literal types
 * (`as const satisfies JsonSchema`): each action's input type is derived from them (`ActionInput`).
 */
import type { ErrorType } from './lib/errors.js';
import type { JsonSchema } from './lib/actions/json-schema.js';

/** `connection`: added to every action's input by the catalog. */
export const connectionSchema = {
  type: 'string',
  description: "The connection (Okta org) to use; the deployment's default connection when absent.",
  pattern: '^[A-Za-z0-9_+=.@-]{1,128}$',
} as const satisfies JsonSchema;

/** An Okta id or login as one path segment: refused when it could change the request path (`/`, `\`, `..`, encoded slashes). */
function pathSegmentSchema(description: string) {
  return {
    type: 'string',
    description,
    minLength: 1,
    maxLength: 100,
    format: 'path-segment',
  } as const satisfies JsonSchema;
}

export function userIdSchema(description = 'The Okta user id (`00u…`) or login.') {
  return pathSegmentSchema(description);
}

export function groupIdSchema(description = 'The Okta group id (`00g…`).') {
  return pathSegmentSchema(description);
}

/** A boolean input with a default, so the validated input always has it. */
export function flag(description: string, defaultValue = false) {
  return { type: 'boolean', description, default: defaultValue } as const satisfies JsonSchema;
}

export const passwordSchema = {
  type: 'string',
  description: 'The password to set; Okta checks it against the password policy. Never logged.',
  minLength: 1,
  maxLength: 256,
} as const satisfies JsonSchema;

/** A profile attribute value: Okta profiles hold strings, numbers, booleans, arrays of those, or null. */
export const openProfileSchema = {
  type: 'object',
  description: 'Profile attributes to set, by their Okta names (any attribute of the user type).',
  additionalProperties: true,
} as const satisfies JsonSchema;

export const oktaUserSchema: JsonSchema = {
  type: 'object',
  description: 'The Okta user, as Okta sends it, without `_links`.',
  properties: {
    id: { type: 'string' },
    status: { type: 'string' },
    profile: { type: 'object', additionalProperties: true },
  },
  additionalProperties: true,
};

export const oktaGroupSchema: JsonSchema = {
  type: 'object',
  description: 'The Okta group, as Okta sends it, without `_links`.',
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    profile: { type: 'object', additionalProperties: true },
  },
  additionalProperties: true,
};

export const lifecycleOutputSchema: JsonSchema = {
  type: 'object',
  required: ['userId', 'status', 'changed'],
  properties: {
    userId: { type: 'string', description: 'The Okta user id.' },
    status: { type: 'string', description: "The user's status after the call." },
    changed: { type: 'boolean', description: '`false` when the user was already in the target status.' },
  },
  additionalProperties: false,
};

export function listOf(key: string, item: JsonSchema, pageable: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = { [key]: { type: 'array', items: item } };
  if (pageable)
    properties.after = { type: 'string', description: 'Cursor for the next call; absent on the last page.' };
  return { type: 'object', required: [key], properties, additionalProperties: false };
}

/** The errors any action can return, on top of its own. */
const commonErrors: ErrorType[] = [
  'InvalidInput',
  'UnknownConnection',
  'OktaAuthFailed',
  'OktaForbidden',
  'OktaRateLimited',
  'OktaUnavailable',
  'InternalError',
];

/** The action's errors, in the contract's table order. */
export function errorsWith(...own: ErrorType[]): ErrorType[] {
  const order: ErrorType[] = [
    'InvalidInput',
    'UnknownConnection',
    'OktaValidationFailed',
    'OktaAuthFailed',
    'OktaForbidden',
    'OktaNotFound',
    'InvalidUserState',
    'OktaRateLimited',
    'OktaUnavailable',
    'InternalError',
  ];
  const set = new Set([...commonErrors, ...own]);
  return order.filter((type) => set.has(type));
}

export const exampleUser = {
  id: '00ub0oNGTSWTBKOLGLNR',
  status: 'ACTIVE',
  created: '2026-06-24T16:39:18.000Z',
  activated: '2026-06-24T16:39:19.000Z',
  statusChanged: '2026-06-24T16:39:19.000Z',
  lastLogin: null,
  lastUpdated: '2026-07-02T21:36:25.344Z',
  passwordChanged: '2026-07-02T21:36:25.344Z',
  type: { id: 'oty1ehd2ozWKJkmBl0h8' },
  profile: {
    login: 'isaac.brock@example.com',
    email: 'isaac.brock@example.com',
    firstName: 'Isaac',
    lastName: 'Brock',
    department: 'Engineering',
  },
  credentials: {
    password: {},
    provider: { type: 'OKTA', name: 'OKTA' },
  },
};

export const exampleGroup = {
  id: '00g1emaKYZTWRYYRRTSK',
  created: '2026-01-14T19:10:26.000Z',
  lastUpdated: '2026-01-14T19:10:26.000Z',
  lastMembershipUpdated: '2026-05-02T11:02:47.000Z',
  objectClass: ['okta:user_group'],
  type: 'OKTA_GROUP',
  profile: { name: 'Sales', description: 'Everyone in sales' },
};
