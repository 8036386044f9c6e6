/**
 * `/api/v1/apps`: the org's apps with their user and group assignments. The list takes one `eq` filter
 * (`user.id`, `group.id`, `status` or `name`; a user's apps include those assigned through a group) and
 * `expand=user/{id}`.
 */
import { isoDate } from '../clock.js';
import type { AppRecord, UserRecord } from '../directory.js';
import { OktaApiError } from '../errors.js';
import { appendRequestEvent, userActor, type Org } from '../org.js';
import { invalidCursor, linkHeaders, readLimit } from '../paging.js';
import { FilterSyntaxError, parseFilter } from '../scim-filter.js';
import { userJson } from '../users/user-json.js';
import type { Route, SimRequest, SimResponse } from '../types.js';
import { asText } from '../text.js';

const READ = ['okta.apps.read', 'okta.apps.manage'];
const MANAGE = ['okta.apps.manage'];

function appUserJson(org: Org, app: AppRecord, user: UserRecord): Record<string, unknown> {
  const assignment = app.users.get(user.id);
  const created = assignment?.created ?? user.created;
  return {
    id: user.id,
    externalId: null,
    created: isoDate(created),
    lastUpdated: isoDate(created),
    scope: assignment ? 'USER' : 'GROUP',
    status: 'ACTIVE',
    statusChanged: isoDate(created),
    passwordChanged: null,
    syncState: 'DISABLED',
    lastSync: null,
    credentials: { userName: String(user.profile.login) },
    profile: {},
    _links: {
      app: { href: `${org.baseUrl()}/api/v1/apps/${app.id}` },
      user: { href: `${org.baseUrl()}/api/v1/users/${user.id}` },
    },
  };
}

/** The app as Okta returns it (shape of the spec's GetApplicationsByUserResponseEx). */
export function appJson(org: Org, app: AppRecord, embeddedUser?: UserRecord): Record<string, unknown> {
  const base = org.baseUrl();
  return {
    id: app.id,
    orn: `orn:okta:idp:00o00000000000000000:apps:${app.name}:${app.id}`,
    name: app.name,
    label: app.label,
    status: app.status,
    lastUpdated: isoDate(app.lastUpdated),
    created: isoDate(app.created),
    accessibility: { selfService: false, errorRedirectUrl: null, loginRedirectUrl: null },
    visibility: {
      autoSubmitToolbar: false,
      hide: { iOS: false, web: false },
      appLinks: { [`${app.name}_link`]: true },
    },
    features: [],
    signOnMode: app.signOnMode,
    credentials: { userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' }, signing: {} },
    settings: {
      app: {},
      notifications: { vpn: { network: { connection: 'DISABLED' }, message: null, helpUrl: null } },
    },
    _links: {
      logo: [{ name: 'medium', href: `${base}/img/logos/${app.logo}`, type: 'image/png' }],
      appLinks: [
        {
          name: `${app.name}_link`,
          href: `${base}/home/${app.name}/${app.id}/aln${app.id.slice(3)}`,
          type: 'text/html',
        },
      ],
      users: { href: `${base}/api/v1/apps/${app.id}/users` },
      groups: { href: `${base}/api/v1/apps/${app.id}/groups` },
      self: { href: `${base}/api/v1/apps/${app.id}` },
      deactivate: { href: `${base}/api/v1/apps/${app.id}/lifecycle/deactivate` },
    },
    ...(embeddedUser ? { _embedded: { user: appUserJson(org, app, embeddedUser) } } : {}),
  };
}

/** Reads the one `eq` expression the apps list accepts; throws E0000031 for anything else (UNVERIFIED code). */
function appFilter(org: Org, text: string): (app: AppRecord) => boolean {
  let expression;
  try {
    expression = parseFilter(text);
  } catch (error) {
    if (error instanceof FilterSyntaxError)
      throw new OktaApiError('E0000031', { causes: [`Invalid filter: ${error.message}`] });
    throw error;
  }
  if (expression.kind !== 'compare' || expression.operator !== 'eq') {
    throw new OktaApiError('E0000031', { causes: ['The apps filter takes one "eq" expression'] });
  }
  const value = String(expression.value);
  switch (expression.attribute) {
    case 'user.id': {
      const userApps = new Set(org.directory.userApps(value).map((app) => app.id));
      return (app) => userApps.has(app.id);
    }
    case 'group.id':
      return (app) => app.groups.has(value);
    case 'status':
      return (app) => app.status === value.toUpperCase();
    case 'name':
      return (app) => app.name === value;
    default:
      throw new OktaApiError('E0000031', { causes: [`Unsupported filter attribute: ${expression.attribute}`] });
  }
}

function listApps(org: Org, req: SimRequest): SimResponse {
  const limit = readLimit(req, { defaultLimit: 20, max: 200 });
  const filterText = req.query.get('filter');
  const predicate = filterText === null ? undefined : appFilter(org, filterText);
  const expandUserId = /^user\/(.+)$/.exec(req.query.get('expand') ?? '')?.[1];
  const expandUser = expandUserId ? org.directory.users.get(expandUserId) : undefined;
  const q = req.query.get('q')?.toLowerCase();
  const after = req.query.get('after');
  let position = 0;
  if (after) {
    const cursor = org.directory.appPositions.get(after);
    if (cursor === undefined) throw invalidCursor();
    position = cursor + 1;
  }
  const page: AppRecord[] = [];
  let hasMore = false;
  for (; position < org.directory.appsInOrder.length; position++) {
    const app = org.directory.appsInOrder[position] as AppRecord;
    if (!org.directory.apps.has(app.id) || (predicate && !predicate(app))) continue;
    if (q && !app.name.toLowerCase().startsWith(q) && !app.label.toLowerCase().startsWith(q)) continue;
    if (page.length === limit) {
      hasMore = true;
      break;
    }
    page.push(app);
  }
  const last = page[page.length - 1];
  return {
    status: 200,
    headers: { link: linkHeaders(org, req, limit, hasMore && last ? { after: last.id } : undefined) },
    body: page.map((app) => appJson(org, app, expandUser)),
  };
}

function findAppOr404(org: Org, appId: string): AppRecord {
  const app = org.directory.apps.get(appId);
  if (!app) throw new OktaApiError('E0000007', { summaryArgument: `Resource not found: ${appId} (AppInstance)` });
  return app;
}

/**
 * An app's directly assigned users, paged (default 50, max 500: RL-OLD) with self and next links, the cursor the
 * last user's id; `expand=user` embeds each user (oktakit.json[26]-[28], apps/{id}/users pagination, 2017).
 */
function listAppUsers(org: Org, req: SimRequest, appId: string): SimResponse {
  const app = findAppOr404(org, appId);
  const limit = readLimit(req, { defaultLimit: 50, max: 500 });
  const after = req.query.get('after');
  const assigned = [...app.users.keys()]
    .map((id) => org.directory.users.get(id))
    .filter((user): user is UserRecord => user !== undefined);
  const start = after === null ? 0 : assigned.findIndex((user) => user.id === after) + 1;
  if (after !== null && start === 0) throw invalidCursor();
  const page = assigned.slice(start, start + limit);
  const last = page[page.length - 1];
  const expand = req.query.get('expand') === 'user';
  return {
    status: 200,
    headers: {
      link: linkHeaders(org, req, limit, start + limit < assigned.length && last ? { after: last.id } : undefined),
    },
    body: page.map((user) => ({
      ...appUserJson(org, app, user),
      ...(expand ? { _embedded: { user: userJson(org, user) } } : {}),
    })),
  };
}

function assignUser(org: Org, req: SimRequest, appId: string): SimResponse {
  const app = findAppOr404(org, appId);
  const userId = asText((req.body as { id?: unknown } | undefined)?.id);
  const user = org.directory.users.get(userId);
  if (!user) throw new OktaApiError('E0000007', { summaryArgument: `Resource not found: ${userId} (User)` });
  if (!app.users.has(user.id)) {
    app.users.set(user.id, { id: org.newId('0ua'), created: org.clock.now(), userName: String(user.profile.login) });
    appendRequestEvent(org, req, {
      eventType: 'application.user_membership.add',
      target: [
        userActor(user),
        { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: null },
      ],
    });
  }
  return { status: 200, body: appUserJson(org, app, user) };
}

function assignGroup(org: Org, appId: string, groupId: string): SimResponse {
  const app = findAppOr404(org, appId);
  if (!org.directory.groups.has(groupId))
    throw new OktaApiError('E0000007', { summaryArgument: `Resource not found: ${groupId} (UserGroup)` });
  const assignment = app.groups.get(groupId) ?? { id: groupId, priority: app.groups.size };
  app.groups.set(groupId, assignment);
  return {
    status: 200,
    body: {
      id: groupId,
      lastUpdated: isoDate(org.clock.now()),
      priority: assignment.priority,
      _links: {
        app: { href: `${org.baseUrl()}/api/v1/apps/${app.id}` },
        group: { href: `${org.baseUrl()}/api/v1/groups/${groupId}` },
      },
    },
  };
}

export function appRoutes(org: Org): Route[] {
  return [
    { method: 'GET', pattern: '/api/v1/apps', bucket: 'apps', scopes: READ, handler: (req) => listApps(org, req) },
    {
      method: 'GET',
      pattern: '/api/v1/apps/:appId',
      bucket: 'app',
      scopes: READ,
      handler: (_req, p) => ({ status: 200, body: appJson(org, findAppOr404(org, p.appId as string)) }),
    },
    {
      method: 'GET',
      pattern: '/api/v1/apps/:appId/users',
      bucket: 'apps',
      scopes: READ,
      handler: (req, p) => listAppUsers(org, req, p.appId as string),
    },
    {
      method: 'POST',
      pattern: '/api/v1/apps/:appId/users',
      bucket: 'apps',
      scopes: MANAGE,
      handler: (req, p) => assignUser(org, req, p.appId as string),
    },
    {
      method: 'PUT',
      pattern: '/api/v1/apps/:appId/groups/:groupId',
      bucket: 'apps',
      scopes: MANAGE,
      handler: (_req, p) => assignGroup(org, p.appId as string, p.groupId as string),
    },
  ];
}
