/**
 * `/api/v1/users`: create, get (by id, login or unambiguous short name), partial update (POST), replace (PUT),
 * list with `search`, `filter` or `q`, and a user's groups and app links.
 */
import { createHash } from 'node:crypto';
import type { GroupRecord, UserRecord, UserStatus } from '../directory.js';
import { groupJson, groupTarget } from '../groups/group-json.js';
import { OktaApiError } from '../errors.js';
import { appendRequestEvent, userActor, type Org } from '../org.js';
import { linkHeaders } from '../paging.js';
import { listUsers } from './user-lists.js';
import { recordUserWrite, userJson, userJsonOptions } from './user-json.js';
import type { Route, SimRequest, SimResponse } from '../types.js';
import { asText } from '../text.js';

const READ = ['okta.users.read', 'okta.users.manage'];
const MANAGE = ['okta.users.manage'];
const REQUIRED_PROFILE = ['login', 'email', 'firstName', 'lastName'] as const;
/** The base user schema's attributes (the spec's `UserProfile`); the org defines no custom ones. */
const PROFILE_ATTRIBUTES = new Set([
  'city',
  'costCenter',
  'countryCode',
  'department',
  'displayName',
  'division',
  'email',
  'employeeNumber',
  'firstName',
  'honorificPrefix',
  'honorificSuffix',
  'lastName',
  'locale',
  'login',
  'manager',
  'managerId',
  'middleName',
  'mobilePhone',
  'nickName',
  'organization',
  'postalAddress',
  'preferredLanguage',
  'primaryPhone',
  'profileUrl',
  'secondEmail',
  'state',
  'streetAddress',
  'timezone',
  'title',
  'userType',
  'zipCode',
]);
const MAX_GROUP_IDS = 20;
export const DEFAULT_USER_TYPE_ID = 'oty00000000000000000';

type Body = Record<string, unknown>;

const asObject = (value: unknown): Body | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : undefined;

/** Finds the user of an `{id}` path parameter (`me` is the caller), or throws the 404 Okta gives. */
export function findUserOr404(org: Org, req: SimRequest, idOrLogin: string): UserRecord {
  const key = idOrLogin === 'me' ? (req.principal?.userId ?? org.adminUserId) : idOrLogin;
  const user = org.directory.findUser(key);
  if (!user) throw new OktaApiError('E0000007', { summaryArgument: `Resource not found: ${idOrLogin} (User)` });
  return user;
}

/**
 * A property the schema does not define: 400 E0000001 "Api validation failed: newUser" with the cause naming it
 * (terraform-provider-okta.json[20], a create; the same answer on update is UNVERIFIED).
 */
function refuseUnknownProperties(profile: Body): void {
  const unknown = Object.keys(profile).filter((name) => !PROFILE_ATTRIBUTES.has(name));
  if (unknown.length > 0)
    throw new OktaApiError('E0000001', {
      causes: unknown.map((name) => `Property name '${name}' is not defined in profile`),
      summaryArgument: 'newUser',
    });
}

/** Checks a profile for Okta's required attributes and login format; the causes Okta lists, if any. */
function profileProblems(org: Org, profile: Body, ownId?: string): string[] {
  const problems: string[] = [];
  for (const name of REQUIRED_PROFILE) {
    if (typeof profile[name] !== 'string' || profile[name].trim() === '') {
      problems.push(`${name}: The field cannot be left blank`);
    }
  }
  if (typeof profile.login === 'string' && profile.login !== '') {
    if (!/^[^@\s]+@[^@\s]+$/.test(profile.login))
      problems.push('login: Username must be in the form of an email address');
    const owner = org.directory.loginOwner(profile.login);
    if (owner && owner !== ownId)
      problems.push('login: An object with this field already exists in the current organization');
  }
  if (typeof profile.email === 'string' && profile.email !== '' && !/^[^@\s]+@[^@\s]+$/.test(profile.email)) {
    problems.push('email: Does not match required pattern');
  }
  return problems;
}

function createUser(org: Org, req: SimRequest): SimResponse {
  const body = asObject(req.body) ?? {};
  const profile = asObject(body.profile);
  if (!profile)
    throw new OktaApiError('E0000001', {
      causes: ['profile: The field cannot be left blank'],
      summaryArgument: 'profile',
    });
  const credentials = asObject(body.credentials) ?? {};
  const password = asObject(credentials.password)?.value;
  const recovery = asObject(credentials.recovery_question);
  const groupIds = Array.isArray(body.groupIds) ? body.groupIds.map(String) : [];
  const activate = req.query.get('activate') !== 'false';
  const provider = req.query.get('provider') === 'true';
  const expirePassword = req.query.get('nextLogin') === 'changePassword';

  if (groupIds.length > MAX_GROUP_IDS) {
    throw new OktaApiError('E0000093', { causes: [`groupIds: A maximum of ${MAX_GROUP_IDS} groups can be assigned`] });
  }
  if (expirePassword && !activate) throw new OktaApiError('E0000125');
  if (expirePassword && typeof password !== 'string') throw new OktaApiError('E0000124');
  refuseUnknownProperties(profile);
  const problems = profileProblems(org, profile);
  if (problems.length > 0)
    throw new OktaApiError('E0000001', { causes: problems, summaryArgument: problems[0]?.split(':')[0] });
  const unknownGroup = groupIds.find((id) => !org.directory.groups.has(id));
  if (unknownGroup)
    throw new OktaApiError('E0000001', {
      causes: [`groupIds: Group ${unknownGroup} not found`],
      summaryArgument: 'groupIds',
    });
  const notOktaGroup = groupIds.find((id) => org.directory.groups.get(id)?.type !== 'OKTA_GROUP');
  if (notOktaGroup) throw new OktaApiError('E0000006');

  const now = org.clock.now();
  // Okta's user creation scenarios: with a password (or a federated provider) activation ends ACTIVE;
  // without one the user waits for the activation email as PROVISIONED; activate=false stages the user.
  let status: UserStatus = 'STAGED';
  if (activate)
    status = expirePassword ? 'PASSWORD_EXPIRED' : typeof password === 'string' || provider ? 'ACTIVE' : 'PROVISIONED';
  const user = org.directory.addUser({
    id: org.newId('00u'),
    status,
    created: now,
    activated: activate ? now : null,
    // A STAGED user created with a password already has a statusChanged (okta-sdk-python.json[0]).
    statusChanged: activate || typeof password === 'string' ? now : null,
    lastLogin: null,
    lastUpdated: now,
    passwordChanged: typeof password === 'string' ? now : null,
    typeId: asText(asObject(body.type)?.id ?? DEFAULT_USER_TYPE_ID),
    profile: { ...profile },
    ...(typeof password === 'string' ? { password } : {}),
    ...(recovery && typeof recovery.question === 'string'
      ? { recoveryQuestion: { question: recovery.question, answer: asText(recovery.answer) } }
      : {}),
    provider: provider ? { type: 'FEDERATION', name: 'FEDERATION' } : { type: 'OKTA', name: 'OKTA' },
    searchPrevious: null,
    writtenAt: now,
  });
  const target = [userActor(user)];
  appendRequestEvent(org, req, { eventType: 'user.lifecycle.create', target });
  if (activate) appendRequestEvent(org, req, { eventType: 'user.lifecycle.activate', target });
  for (const groupId of groupIds) {
    if (org.directory.addMember(groupId, user.id, now)) {
      const group = org.directory.groups.get(groupId) as GroupRecord;
      appendRequestEvent(org, req, {
        eventType: 'group.user_membership.add',
        target: [userActor(user), groupTarget(group)],
      });
    }
  }
  return { status: 200, body: userJson(org, user) };
}

function getUser(org: Org, req: SimRequest, id: string): SimResponse {
  const user = findUserOr404(org, req, id);
  const options = userJsonOptions(req.headers['content-type'], req.headers['okta-response']);
  // A weak ETag of 64 hex characters, as Okta sends on a single GET (terraform-provider-okta.json[1]).
  const etag = `W/"${createHash('sha256').update(`${user.id}:${user.lastUpdated}`).digest('hex')}"`;
  return { status: 200, headers: { etag }, body: userJson(org, user, options) };
}

/**
 * POST is a partial update (only the fields sent change); PUT replaces the profile when it sends one. A PUT of
 * credentials alone keeps the profile (terraform-provider-okta.json[139]).
 */
function updateUser(org: Org, req: SimRequest, id: string, replace: boolean): SimResponse {
  const user = findUserOr404(org, req, id);
  const body = asObject(req.body) ?? {};
  const profileChange = asObject(body.profile);
  if (profileChange) refuseUnknownProperties(profileChange);
  if (user.status === 'DEPROVISIONED' && profileChange) {
    // Okta refuses profile changes of a deactivated user unless an admin setting allows them.
    throw new OktaApiError('E0000001', { causes: ['Deactivated users cannot be updated'], summaryArgument: 'profile' });
  }
  const nextProfile = replace && profileChange ? { ...profileChange } : { ...user.profile, ...profileChange };
  for (const [name, value] of Object.entries(nextProfile)) if (value === null && !replace) delete nextProfile[name];
  const problems = profileProblems(org, nextProfile, user.id);
  if (problems.length > 0)
    throw new OktaApiError('E0000001', { causes: problems, summaryArgument: problems[0]?.split(':')[0] });

  const now = org.clock.now();
  recordUserWrite(org, user);
  const credentials = asObject(body.credentials);
  const password = asObject(credentials?.password)?.value;
  const recovery = asObject(credentials?.recovery_question);
  if (typeof nextProfile.login === 'string' && nextProfile.login !== user.profile.login) {
    org.directory.changeLogin(user, nextProfile.login);
  }
  user.profile = nextProfile;
  user.lastUpdated = now;
  if (typeof password === 'string') {
    user.password = password;
    user.passwordChanged = now;
  }
  if (recovery && typeof recovery.question === 'string') {
    user.recoveryQuestion = { question: recovery.question, answer: asText(recovery.answer) };
  }
  if (profileChange)
    appendRequestEvent(org, req, { eventType: 'user.account.update_profile', target: [userActor(user)] });
  if (typeof password === 'string')
    appendRequestEvent(org, req, { eventType: 'user.account.update_password', target: [userActor(user)] });
  return { status: 200, body: userJson(org, user) };
}

function listUserGroups(org: Org, req: SimRequest, id: string): SimResponse {
  const user = findUserOr404(org, req, id);
  return {
    status: 200,
    // Not paged; the self link carries the default limit all the same (terraform-provider-okta.json[41]).
    headers: { link: linkHeaders(org, req, 200) },
    body: org.directory.userGroups(user.id).map((group) => groupJson(org, group)),
  };
}

function listAppLinks(org: Org, req: SimRequest, id: string): SimResponse {
  const user = findUserOr404(org, req, id);
  const base = org.baseUrl();
  const links = org.directory.userApps(user.id).map((app, index) => ({
    id: user.id,
    label: app.label,
    linkUrl: `${base}/home/${app.name}/${app.id}/${app.seq + 40}`,
    logoUrl: `${base}/img/logos/${app.logo}`,
    appName: app.name,
    appInstanceId: app.id,
    appAssignmentId: app.users.get(user.id)?.id ?? `0ua${app.id.slice(3)}`,
    credentialsSetup: false,
    hidden: false,
    sortOrder: index,
  }));
  return { status: 200, body: links };
}

/** The users routes (lifecycle routes live in lifecycle.ts). */
export function userRoutes(org: Org): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/api/v1/users',
      bucket: 'users',
      scopes: MANAGE,
      handler: (req) => createUser(org, req),
    },
    { method: 'GET', pattern: '/api/v1/users', bucket: 'users', scopes: READ, handler: (req) => listUsers(org, req) },
    {
      method: 'GET',
      pattern: '/api/v1/users/:id',
      bucket: 'user-get',
      scopes: READ,
      handler: (req, p) => getUser(org, req, p.id as string),
    },
    {
      method: 'POST',
      pattern: '/api/v1/users/:id',
      bucket: 'user-write',
      scopes: MANAGE,
      handler: (req, p) => updateUser(org, req, p.id as string, false),
    },
    {
      method: 'PUT',
      pattern: '/api/v1/users/:id',
      bucket: 'user-write',
      scopes: MANAGE,
      handler: (req, p) => updateUser(org, req, p.id as string, true),
    },
    {
      method: 'GET',
      pattern: '/api/v1/users/:id/groups',
      bucket: 'user-get',
      scopes: READ,
      handler: (req, p) => listUserGroups(org, req, p.id as string),
    },
    {
      method: 'GET',
      pattern: '/api/v1/users/:id/appLinks',
      bucket: 'user-get',
      scopes: READ,
      handler: (req, p) => listAppLinks(org, req, p.id as string),
    },
  ];
}
