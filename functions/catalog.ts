/**
 * THE action catalog (docs/CONTRACT.md §2): every action's name, input and output schemas, Okta scopes, error
 * types, handler file and an example. The handler's validation, the OpenAPI document, the docs, the local gateway
 * and the CDK stack are all derived from it. Data only: it never imports a handler.
 */
import type { ErrorType } from './lib/errors.js';
import type { JsonSchema, SchemaType } from './lib/actions/json-schema.js';
import {
  connectionSchema,
  errorsWith,
  exampleGroup,
  exampleUser,
  flag,
  groupIdSchema,
  lifecycleOutputSchema,
  listOf,
  oktaGroupSchema,
  oktaUserSchema,
  openProfileSchema,
  passwordSchema,
  userIdSchema,
} from './catalog-schemas.js';

export type { JsonSchema } from './lib/actions/json-schema.js';

export interface ActionSpec {
  /** The action's name: its route `POST /actions/<name>` and its handler file. */
  name: string;
  summary: string;
  description: string;
  /** The handler file, relative to the repository root. */
  entry: `functions/actions/${string}.ts`;
  /** The input's schema, including the optional `connection` every action takes. */
  input: JsonSchema;
  output: JsonSchema;
  /** Okta OAuth scopes the action needs (from the Okta spec's `security`); an API token needs none. */
  scopes: string[];
  /** The CONTRACT error types the action can return. */
  errors: ErrorType[];
  example: { input: Record<string, unknown>; output: unknown };
}

/** The input part of a definition: the fields the action takes, before `action()` adds `connection`. */
interface InputDefinition {
  readonly properties: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
}

type ActionDefinition<Name extends string, In extends InputDefinition> = Omit<
  ActionSpec,
  'name' | 'entry' | 'input'
> & {
  name: Name;
  input: In;
};

/** A keyword of the input definition, `undefined` when it has none (the schema then leaves it out). */
type Keyword<In, K extends keyof InputDefinition> = In extends { readonly [P in K]: infer V } ? V : undefined;

/** The input schema `action()` builds from a definition's input, with its literal types. */
type InputSchema<In extends InputDefinition> = {
  readonly type: 'object';
  readonly required: Keyword<In, 'required'>;
  readonly properties: In['properties'] & { readonly connection: typeof connectionSchema };
  readonly oneOf: Keyword<In, 'oneOf'>;
  readonly anyOf: Keyword<In, 'anyOf'>;
  readonly additionalProperties: false;
};

/**
 * Adds what every action shares: the `connection` input, `additionalProperties: false`, the entry path. The name
 * and the input schema keep their literal types, so `ActionName` lists the actions for a user's code and
 * `ActionInput<name>` is the input type an action's `run` gets.
 */
function action<const Name extends string, const In extends InputDefinition>(
  definition: ActionDefinition<Name, In>,
): Omit<ActionSpec, 'name' | 'input'> & { name: Name; input: InputSchema<In> } {
  const { input, ...rest } = definition;
  const schema = {
    type: 'object',
    ...(input.required ? { required: input.required } : {}),
    properties: { ...input.properties, connection: connectionSchema },
    ...(input.oneOf ? { oneOf: input.oneOf } : {}),
    ...(input.anyOf ? { anyOf: input.anyOf } : {}),
    additionalProperties: false,
  };
  return { ...rest, entry: `functions/actions/${definition.name}.ts`, input: schema as InputSchema<In> };
}

const usersRead = ['okta.users.read'];
const usersManage = ['okta.users.manage'];
const groupsRead = ['okta.groups.read'];
const groupsManage = ['okta.groups.manage'];
const lifecycleErrors = errorsWith('OktaNotFound', 'InvalidUserState');
/** A caller-given key that makes a write safe to retry (functions/lib/actions/idempotent-run.ts). */
const idempotencyKeySchema = {
  type: 'string',
  description: "Makes a retry return the first attempt's result instead of acting again (kept 24 hours).",
  minLength: 1,
  maxLength: 256,
} as const satisfies JsonSchema;

const resetUrlOutput: JsonSchema = {
  type: 'object',
  required: ['userId'],
  properties: {
    userId: { type: 'string' },
    resetPasswordUrl: { type: 'string', description: 'Present when `sendEmail` is false: the one-time reset link.' },
  },
  additionalProperties: false,
};

export const actions = [
  action({
    name: 'activate-user',
    summary: 'Activate a STAGED or DEPROVISIONED user.',
    description:
      'Starts activation. With `sendEmail` false the activation URL and token come back instead of an email. ' +
      'A user already ACTIVE, or PROVISIONED (activation pending), is a success with `changed: false` (no new token).',
    input: {
      required: ['userId'],
      properties: { userId: userIdSchema(), sendEmail: flag('Let Okta email the activation link to the user.') },
    },
    output: {
      ...lifecycleOutputSchema,
      properties: {
        ...lifecycleOutputSchema.properties,
        activationUrl: { type: 'string' },
        activationToken: { type: 'string' },
      },
    },
    scopes: usersManage,
    errors: lifecycleErrors,
    example: {
      input: { userId: '00ub0oNGTSWTBKOLGLNR' },
      output: {
        userId: '00ub0oNGTSWTBKOLGLNR',
        status: 'PROVISIONED',
        changed: true,
        activationUrl: 'https://acme.okta.com/welcome/XE6wE17zmphl3KqAPFxO',
        activationToken: 'XE6wE17zmphl3KqAPFxO',
      },
    },
  }),
  action({
    name: 'add-user-to-group',
    summary: 'Add a user to an Okta group.',
    description: 'Only OKTA_GROUP groups can be changed; an APP_GROUP or BUILT_IN group gives OktaForbidden.',
    input: {
      required: ['userId', 'groupId'],
      properties: { userId: userIdSchema('The Okta user id (`00u…`).'), groupId: groupIdSchema() },
    },
    output: membershipOutput(),
    scopes: groupsManage,
    errors: errorsWith('OktaNotFound'),
    example: {
      input: { userId: '00ub0oNGTSWTBKOLGLNR', groupId: '00g1emaKYZTWRYYRRTSK' },
      output: { userId: '00ub0oNGTSWTBKOLGLNR', groupId: '00g1emaKYZTWRYYRRTSK' },
    },
  }),
  action({
    name: 'create-user',
    summary: 'Create an Okta user, optionally with a password, recovery question and groups.',
    description:
      'Creates the user (ACTIVE with a password, else PROVISIONED or STAGED) and returns it. `nextLogin: ' +
      '"changePassword"` creates the password expired (needs `password` and `activate: true`). A duplicate login ' +
      "is OktaValidationFailed with Okta's cause. With `idempotencyKey` (e.g. Step Functions' `$$.Execution.Id`) a " +
      'retry returns the user the first attempt created, for 24 hours; the same key with another input is ' +
      'InvalidInput.',
    input: {
      required: ['profile'],
      properties: {
        profile: {
          type: 'object',
          description: "The user's profile; any other attribute of the user type may be added.",
          required: ['login', 'email', 'firstName', 'lastName'],
          properties: {
            login: { type: 'string', minLength: 1, maxLength: 100 },
            email: { type: 'string', format: 'email', maxLength: 100 },
            firstName: { type: 'string', minLength: 1, maxLength: 50 },
            lastName: { type: 'string', minLength: 1, maxLength: 50 },
          },
          additionalProperties: true,
        },
        password: passwordSchema,
        recoveryQuestion: {
          type: 'object',
          required: ['question', 'answer'],
          properties: {
            question: { type: 'string', minLength: 1, maxLength: 100 },
            answer: { type: 'string', minLength: 1, maxLength: 100, description: 'Never logged.' },
          },
          additionalProperties: false,
        },
        activate: flag('Activate the user on creation.', true),
        groupIds: {
          type: 'array',
          description: 'Groups to add the user to (Okta takes up to 20).',
          maxItems: 20,
          uniqueItems: true,
          items: groupIdSchema(),
        },
        nextLogin: {
          type: 'string',
          enum: ['changePassword'],
          description: 'Make the user change the password at first sign-in.',
        },
        idempotencyKey: idempotencyKeySchema,
      },
    },
    output: oktaUserSchema,
    scopes: usersManage,
    errors: errorsWith('OktaValidationFailed'),
    example: {
      input: {
        profile: {
          login: 'isaac.brock@example.com',
          email: 'isaac.brock@example.com',
          firstName: 'Isaac',
          lastName: 'Brock',
          department: 'Engineering',
        },
        password: 'a-long-Passphrase-42',
        groupIds: ['00g1emaKYZTWRYYRRTSK'],
      },
      output: exampleUser,
    },
  }),
  action({
    name: 'update-user',
    summary: "Change a user's profile attributes or password.",
    description:
      "By default a partial update (Okta POST): only the attributes sent change. With `replace: true` it is Okta's " +
      'PUT: the profile sent replaces the whole profile and every attribute not sent is deleted, so `profile` must ' +
      'then carry every required attribute (login, email, firstName, lastName).',
    input: {
      required: ['userId'],
      properties: {
        userId: userIdSchema(),
        profile: openProfileSchema,
        password: passwordSchema,
        replace: flag('Replace the whole profile (Okta PUT) instead of changing only the attributes sent.'),
      },
      anyOf: [{ required: ['profile'] }, { required: ['password'] }],
    },
    output: oktaUserSchema,
    scopes: usersManage,
    errors: errorsWith('OktaValidationFailed', 'OktaNotFound', 'InvalidUserState'),
    example: {
      input: { userId: '00ub0oNGTSWTBKOLGLNR', profile: { department: 'Engineering' } },
      output: exampleUser,
    },
  }),
  action({
    name: 'deactivate-user',
    summary: 'Deactivate (deprovision) a user.',
    description:
      'The user is deprovisioned from every app. A user already DEPROVISIONED is a success with `changed: false`.',
    input: {
      required: ['userId'],
      properties: { userId: userIdSchema(), sendEmail: flag('Let Okta email the org admins about the deactivation.') },
    },
    output: lifecycleOutputSchema,
    scopes: usersManage,
    errors: lifecycleErrors,
    example: {
      input: { userId: '00ub0oNGTSWTBKOLGLNR' },
      output: { userId: '00ub0oNGTSWTBKOLGLNR', status: 'DEPROVISIONED', changed: true },
    },
  }),
  action({
    name: 'delete-user',
    summary: 'Delete a user permanently.',
    description:
      'Okta deletes in two steps: a user not yet DEPROVISIONED is deactivated by the first DELETE. This action ' +
      'does both steps when needed. A user that no longer exists is OktaNotFound.',
    input: {
      required: ['userId'],
      properties: { userId: userIdSchema(), sendEmail: flag('Let Okta email the org admins about the deactivation.') },
    },
    output: {
      type: 'object',
      required: ['userId', 'deleted'],
      properties: { userId: { type: 'string' }, deleted: { type: 'boolean', enum: [true] } },
      additionalProperties: false,
    },
    scopes: usersManage,
    errors: errorsWith('OktaNotFound', 'InvalidUserState'),
    example: { input: { userId: '00ub0oNGTSWTBKOLGLNR' }, output: { userId: '00ub0oNGTSWTBKOLGLNR', deleted: true } },
  }),
  action({
    name: 'expire-password',
    summary: "Expire a user's password, optionally setting a temporary one.",
    description:
      'The user must change the password at the next sign-in. With `tempPassword: true` Okta sets a temporary ' +
      'password and returns it (`revokeSessions` applies only then); otherwise the updated user comes back.',
    input: {
      required: ['userId'],
      properties: {
        userId: userIdSchema(),
        tempPassword: flag('Set and return a temporary password.'),
        revokeSessions: flag("Also end the user's sessions (only with `tempPassword: true`)."),
      },
    },
    output: {
      description: 'The Okta user; or `{userId, tempPassword}` with `tempPassword: true`.',
      type: 'object',
      additionalProperties: true,
    },
    scopes: usersManage,
    errors: lifecycleErrors,
    example: {
      input: { userId: '00ub0oNGTSWTBKOLGLNR', tempPassword: true },
      output: { userId: '00ub0oNGTSWTBKOLGLNR', tempPassword: 'F46gy7X4' },
    },
  }),
  action({
    name: 'get-group-members',
    summary: 'List the users in a group.',
    description:
      'Pages through Okta for up to `limit` users (200 by default, 1000 at most); `after` comes back when more remain.',
    input: {
      required: ['groupId'],
      properties: {
        groupId: groupIdSchema(),
        limit: { type: 'integer', minimum: 1, maximum: 1000, description: 'Users to return at most (default 200).' },
        after: { type: 'string', minLength: 1, maxLength: 512, description: 'The cursor a previous call returned.' },
      },
    },
    output: listOf('users', oktaUserSchema, true),
    scopes: groupsRead,
    errors: errorsWith('OktaValidationFailed', 'OktaNotFound'),
    example: {
      input: { groupId: '00g1emaKYZTWRYYRRTSK', limit: 1 },
      output: { users: [exampleUser], after: '00ub0oNGTSWTBKOLGLNR' },
    },
  }),
  action({
    name: 'get-groups-by-name',
    summary: 'Find groups by name, exactly or by prefix.',
    description:
      'exact: Okta search `profile.name eq "<name>"` (Okta compares case-insensitively), every match. startsWith: ' +
      "Okta's `q` (name prefix), at most 200 groups since Okta does not page `q`.",
    input: {
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 255 },
        match: { type: 'string', enum: ['exact', 'startsWith'], default: 'exact' },
      },
    },
    output: listOf('groups', oktaGroupSchema, false),
    scopes: groupsRead,
    errors: errorsWith('OktaValidationFailed'),
    example: { input: { name: 'Sales' }, output: { groups: [exampleGroup] } },
  }),
  action({
    name: 'get-logon-events-by-ip',
    summary: 'Recent sign-ins (user.session.start) from an IP address, newest first.',
    description:
      'A bounded System Log query from `since` (default 24 hours ago) to `until` (default now), optionally only ' +
      'successes or failures, for up to `limit` events (100 by default, 1000 at most).',
    input: {
      required: ['ipAddress'],
      properties: {
        ipAddress: { type: 'string', format: 'ip', description: 'An IPv4 or IPv6 address.' },
        since: { type: 'string', format: 'date-time', description: 'Start of the window (default 24 hours ago).' },
        until: { type: 'string', format: 'date-time', description: 'End of the window (default now).' },
        outcome: { type: 'string', enum: ['SUCCESS', 'FAILURE'] },
        limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      },
    },
    output: listOf('events', { type: 'object', description: 'An Okta LogEvent.', additionalProperties: true }, false),
    scopes: ['okta.logs.read'],
    errors: errorsWith('OktaValidationFailed'),
    example: {
      input: { ipAddress: '184.73.186.14', outcome: 'FAILURE', limit: 20 },
      output: {
        events: [
          {
            uuid: 'dc9fd3c0-598c-11ef-8478-2b7584bf8d5a',
            published: '2026-11-29T07:55:06.216Z',
            eventType: 'user.session.start',
            displayMessage: 'User login to Okta',
            severity: 'WARN',
            actor: {
              id: '00ub0oNGTSWTBKOLGLNR',
              type: 'User',
              alternateId: 'isaac.brock@example.com',
              displayName: 'Isaac Brock',
            },
            client: { ipAddress: '184.73.186.14' },
            outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
          },
        ],
      },
    },
  }),
  action({
    name: 'get-user-groups',
    summary: 'List the groups a user belongs to.',
    description: 'Every group of the user, all pages.',
    input: { required: ['userId'], properties: { userId: userIdSchema() } },
    output: listOf('groups', oktaGroupSchema, false),
    scopes: usersRead,
    errors: errorsWith('OktaNotFound'),
    example: { input: { userId: '00ub0oNGTSWTBKOLGLNR' }, output: { groups: [exampleGroup] } },
  }),
  action({
    name: 'remove-user-from-group',
    summary: 'Remove a user from an Okta group.',
    description: 'Only OKTA_GROUP groups can be changed; an APP_GROUP or BUILT_IN group gives OktaForbidden.',
    input: {
      required: ['userId', 'groupId'],
      properties: { userId: userIdSchema('The Okta user id (`00u…`).'), groupId: groupIdSchema() },
    },
    output: membershipOutput(),
    scopes: groupsManage,
    errors: errorsWith('OktaNotFound'),
    example: {
      input: { userId: '00ub0oNGTSWTBKOLGLNR', groupId: '00g1emaKYZTWRYYRRTSK' },
      output: { userId: '00ub0oNGTSWTBKOLGLNR', groupId: '00g1emaKYZTWRYYRRTSK' },
    },
  }),
  action({
    name: 'reset-password',
    summary: 'Start an admin password reset (the user goes to RECOVERY).',
    description:
      'With `sendEmail` false the one-time reset URL comes back instead of an email. Until the reset is finished ' +
      'the user cannot sign in.',
    input: {
      required: ['userId'],
      properties: {
        userId: userIdSchema(),
        sendEmail: flag('Let Okta email the reset link to the user.'),
        revokeSessions: flag("Also end the user's sessions."),
      },
    },
    output: resetUrlOutput,
    scopes: usersManage,
    errors: lifecycleErrors,
    example: {
      input: { userId: '00ub0oNGTSWTBKOLGLNR' },
      output: {
        userId: '00ub0oNGTSWTBKOLGLNR',
        resetPasswordUrl: 'https://acme.okta.com/reset_password/XE6wE17zmphl3KqAPFxO',
      },
    },
  }),
  action({
    name: 'search-users',
    summary: 'Find users with an Okta search expression, a filter or a quick query.',
    description:
      'Exactly one of `search` (Okta search expression, pageable, sortable), `filter` (Okta filter, pageable) or ' +
      '`query` (prefix of first name, last name or email; Okta does not page it, so at most 200 and no `after`). ' +
      'Returns up to `limit` users (default 200, at most 1000) and `after` when more remain.',
    input: {
      properties: {
        search: { type: 'string', minLength: 1, maxLength: 2048, description: 'e.g. `profile.department eq "Sales"`.' },
        filter: { type: 'string', minLength: 1, maxLength: 2048, description: 'e.g. `status eq "ACTIVE"`.' },
        query: { type: 'string', minLength: 1, maxLength: 100 },
        limit: {
          type: 'integer',
          minimum: 1,
          maximum: 1000,
          description: 'Users to return at most (default 200; at most 200 with `query`).',
        },
        after: {
          type: 'string',
          minLength: 1,
          maxLength: 512,
          description: 'The cursor a previous call returned (not with `query`).',
        },
        sortBy: {
          type: 'string',
          minLength: 1,
          maxLength: 100,
          description: 'A user property, e.g. `profile.lastName` (only with `search`).',
        },
        sortOrder: { type: 'string', enum: ['asc', 'desc'], description: 'Only with `sortBy`.' },
      },
      oneOf: [{ required: ['search'] }, { required: ['filter'] }, { required: ['query'] }],
    },
    output: listOf('users', oktaUserSchema, true),
    scopes: usersRead,
    errors: errorsWith('OktaValidationFailed'),
    example: { input: { search: 'profile.department eq "Engineering"', limit: 50 }, output: { users: [exampleUser] } },
  }),
  action({
    name: 'suspend-user',
    summary: 'Suspend an ACTIVE user.',
    description:
      'A user already SUSPENDED is a success with `changed: false`; any status but ACTIVE is InvalidUserState.',
    input: { required: ['userId'], properties: { userId: userIdSchema() } },
    output: lifecycleOutputSchema,
    scopes: usersManage,
    errors: lifecycleErrors,
    example: {
      input: { userId: '00ub0oNGTSWTBKOLGLNR' },
      output: { userId: '00ub0oNGTSWTBKOLGLNR', status: 'SUSPENDED', changed: true },
    },
  }),
  action({
    name: 'unsuspend-user',
    summary: 'Return a SUSPENDED user to ACTIVE.',
    description:
      'A user already ACTIVE is a success with `changed: false`; any status but SUSPENDED is InvalidUserState.',
    input: { required: ['userId'], properties: { userId: userIdSchema() } },
    output: lifecycleOutputSchema,
    scopes: usersManage,
    errors: lifecycleErrors,
    example: {
      input: { userId: '00ub0oNGTSWTBKOLGLNR' },
      output: { userId: '00ub0oNGTSWTBKOLGLNR', status: 'ACTIVE', changed: true },
    },
  }),
  action({
    name: 'get-user',
    summary: 'Get a user by id or login.',
    description: 'The Okta user. A login that contains `/` cannot be looked up (Okta takes only the id then).',
    input: { required: ['userId'], properties: { userId: userIdSchema() } },
    output: oktaUserSchema,
    scopes: usersRead,
    errors: errorsWith('OktaNotFound'),
    example: { input: { userId: 'isaac.brock@example.com' }, output: exampleUser },
  }),
  action({
    name: 'list-user-apps',
    summary: 'List the apps a user can use, direct and through groups.',
    description:
      "Okta's app links of the user (`/users/{id}/appLinks`), which cover apps assigned directly and through groups.",
    input: { required: ['userId'], properties: { userId: userIdSchema() } },
    output: listOf('apps', { type: 'object', description: 'An Okta AppLink.', additionalProperties: true }, false),
    scopes: usersRead,
    errors: errorsWith('OktaNotFound'),
    example: {
      input: { userId: '00ub0oNGTSWTBKOLGLNR' },
      output: {
        apps: [
          {
            id: '00ub0oNGTSWTBKOLGLNR',
            label: 'Box',
            linkUrl: 'https://acme.okta.com/home/boxnet/0oa3ompioiQCSTOYXVBK/72',
            logoUrl: 'https://acme.okta.com/img/logos/box.png',
            appName: 'boxnet',
            appInstanceId: '0oa3ompioiQCSTOYXVBK',
            appAssignmentId: '0ua3omz7weMMMQJERBKY',
            credentialsSetup: false,
            hidden: false,
            sortOrder: 0,
          },
        ],
      },
    },
  }),
  action({
    name: 'reset-forgotten-password',
    summary: 'Start a forgot-password flow for an ACTIVE user (status unchanged).',
    description:
      'With `sendEmail` false the reset URL comes back instead of an email. The user must be ACTIVE with a ' +
      'recovery question, otherwise InvalidUserState.',
    input: {
      required: ['userId'],
      properties: { userId: userIdSchema(), sendEmail: flag('Let Okta email the reset link to the user.') },
    },
    output: resetUrlOutput,
    scopes: usersManage,
    errors: lifecycleErrors,
    example: {
      input: { userId: '00ub0oNGTSWTBKOLGLNR' },
      output: {
        userId: '00ub0oNGTSWTBKOLGLNR',
        resetPasswordUrl: 'https://acme.okta.com/signin/reset-password/XE6wE17zmphl3KqAPFxO',
      },
    },
  }),
  action({
    name: 'clear-user-sessions',
    summary: "End a user's Okta sessions, optionally with their OAuth tokens.",
    description:
      "Okta's revokeUserSessions (`DELETE /api/v1/users/{id}/sessions`): the user must sign in again. " +
      '`revokeOAuthTokens` also revokes the OpenID Connect and OAuth access and refresh tokens issued to the user. ' +
      "Sessions of apps that keep their own are not ended: Okta's Universal Logout does that (see docs/ACTIONS.md). " +
      'Safe to retry: ending sessions twice ends them once.',
    input: {
      required: ['userId'],
      properties: {
        userId: userIdSchema(),
        revokeOAuthTokens: flag('Also revoke the OAuth and OpenID Connect tokens issued to the user.'),
      },
    },
    output: userIdOutput(),
    scopes: usersManage,
    errors: errorsWith('OktaNotFound'),
    example: {
      input: { userId: '00ub0oNGTSWTBKOLGLNR', revokeOAuthTokens: true },
      output: { userId: '00ub0oNGTSWTBKOLGLNR' },
    },
  }),
  action({
    name: 'reset-factors',
    summary: 'Reset every MFA factor of a user (the user enrols again at next sign-in).',
    description:
      "Okta's resetFactors (`POST /api/v1/users/{id}/lifecycle/reset_factors`): removes every enrolled factor. " +
      'Safe to retry: a user with no factor left is reset again with no harm.',
    input: { required: ['userId'], properties: { userId: userIdSchema() } },
    output: userIdOutput(),
    scopes: usersManage,
    errors: lifecycleErrors,
    example: { input: { userId: '00ub0oNGTSWTBKOLGLNR' }, output: { userId: '00ub0oNGTSWTBKOLGLNR' } },
  }),
  action({
    name: 'unlock-user',
    summary: 'Unlock a LOCKED_OUT user (back to ACTIVE).',
    description:
      'A user who is not locked out is refused by Okta (403 E0000032); the connector then reads the user again: ' +
      'ACTIVE is a success with `changed: false` (safe to retry), any other status is InvalidUserState naming it.',
    input: { required: ['userId'], properties: { userId: userIdSchema() } },
    output: lifecycleOutputSchema,
    scopes: usersManage,
    errors: lifecycleErrors,
    example: {
      input: { userId: '00ub0oNGTSWTBKOLGLNR' },
      output: { userId: '00ub0oNGTSWTBKOLGLNR', status: 'ACTIVE', changed: true },
    },
  }),
  action({
    name: 'reactivate-user',
    summary: 'Send a PROVISIONED user (activation pending) a new activation.',
    description:
      "Okta's reactivateUser: a new activation token replaces the old one. With `sendEmail` false the " +
      'activation token (and the URL, when Okta sends one) comes back instead of an email. A user in any other ' +
      'status is InvalidUserState (Okta answers 403 E0000038). Not idempotent: every call issues a new token, so a retry invalidates the previous one.',
    input: {
      required: ['userId'],
      properties: { userId: userIdSchema(), sendEmail: flag('Let Okta email the activation link to the user.') },
    },
    output: {
      type: 'object',
      required: ['userId'],
      properties: {
        userId: { type: 'string' },
        activationUrl: { type: 'string' },
        activationToken: { type: 'string' },
      },
      additionalProperties: false,
    },
    scopes: usersManage,
    errors: lifecycleErrors,
    example: {
      input: { userId: '00ub0oNGTSWTBKOLGLNR' },
      output: {
        userId: '00ub0oNGTSWTBKOLGLNR',
        activationToken: 'XE6wE17zmphl3KqAPFxO',
      },
    },
  }),
  action({
    name: 'okta-request',
    summary: "Call any endpoint of Okta's API that no action covers, on the connection's own org.",
    description:
      "Sends `{method, path, query, body}` to the connection's org with its sign-in, the rate-limit budget, " +
      'retries and error mapping of every action. Only paths under `/api/v1/` and `/oauth2/v1/` (no URL, other ' +
      'host, `..`, encoded traversal or backslash: InvalidInput). Only a GET is sent again after a 5xx or a ' +
      'timeout; a write is retried only when Okta refused it with 429. `paginate: true` (GET) follows the Link ' +
      'header up to `limit` items and returns `{items, after?}`. The scopes are those of the endpoint called. Its ' +
      'IAM permission is the most powerful of all actions: it can do anything the connection may do in Okta. A ' +
      'write with `idempotencyKey` is sent once per key: a retry gets the first answer (24 hours).',
    input: {
      required: ['method', 'path'],
      properties: {
        method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'DELETE'] },
        path: {
          type: 'string',
          description: 'The path, e.g. `/api/v1/users/00ub0oNGTSWTBKOLGLNR/factors`; the query goes in `query`.',
          minLength: 1,
          maxLength: 2000,
        },
        query: {
          type: 'object',
          description: 'Query parameters: names to strings, numbers or booleans.',
          additionalProperties: true,
        },
        body: { description: 'The JSON body of a POST or PUT.' },
        paginate: flag('Follow the Link header (GET only) and return `{items, after?}`.'),
        limit: { type: 'integer', minimum: 1, maximum: 10_000, description: 'With `paginate`: the most items.' },
        after: { type: 'string', minLength: 1, maxLength: 500, description: 'The cursor to go on from.' },
        idempotencyKey: idempotencyKeySchema,
      },
    },
    output: {
      type: 'object',
      description: '`{status, body}`, or `{items, after?}` with `paginate`.',
      properties: {
        status: { type: 'integer', description: "Okta's HTTP status (2xx; other statuses are errors)." },
        body: { description: "Okta's JSON answer, null when empty." },
        items: { type: 'array', items: { type: 'object', additionalProperties: true } },
        after: { type: 'string' },
      },
      additionalProperties: false,
    },
    scopes: [],
    errors: errorsWith('OktaValidationFailed', 'OktaNotFound', 'InvalidUserState'),
    example: {
      input: { method: 'GET', path: '/api/v1/users/00ub0oNGTSWTBKOLGLNR/factors' },
      output: { status: 200, body: [] },
    },
  }),
] as const satisfies readonly ActionSpec[];

/** The name of every action in the catalog, e.g. `'get-user'`. */
export type ActionName = (typeof actions)[number]['name'];

/**
 * The input an action's `run` gets, derived from its catalog schema (after validation: defaults applied), e.g.
 * `ActionInput<'get-user'>` is `{userId: string; connection?: string}`.
 */
export type ActionInput<N extends ActionName> = ActionInputs[N];

/** Every action's input type, by name (one mapping, so each input type is derived once). */
type ActionInputs = { [A in (typeof actions)[number] as A['name']]: SchemaType<A['input']> };

function userIdOutput(): JsonSchema {
  return {
    type: 'object',
    required: ['userId'],
    properties: { userId: { type: 'string' } },
    additionalProperties: false,
  };
}

function membershipOutput(): JsonSchema {
  return {
    type: 'object',
    required: ['userId', 'groupId'],
    properties: { userId: { type: 'string' }, groupId: { type: 'string' } },
    additionalProperties: false,
  };
}

/** The action of that name, or undefined. */
export function findAction(name: string): ActionSpec | undefined {
  return actions.find((spec) => spec.name === name);
}

/** The path parameter of the per-connection routes: the connection a call runs against. */
export const CONNECTION_PATH_PARAMETER = 'connection';

/**
 * The API routes of an action (docs/CONTRACT.md §2): `/actions/<name>`, whose input may name any connection, and
 * `/connections/{connection}/actions/<name>`, which runs only against the connection of its path, so that IAM can
 * grant a caller one connection (`execute-api:Invoke` on `…/POST/connections/acme/actions/*`). The stack, the local
 * gateway and the OpenAPI document all take their routes from here.
 */
export function actionRoutes(name: string): { any: string; perConnection: string } {
  return { any: `/actions/${name}`, perConnection: `/connections/{${CONNECTION_PATH_PARAMETER}}/actions/${name}` };
}
