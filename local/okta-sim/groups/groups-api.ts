/**
 * `/api/v1/groups`: create, get, replace, delete, list (`q` starts-with on name, not pageable and without a Link
 * header; `search`, eventually consistent; `filter` on id, type, lastUpdated, lastMembershipUpdated only), members
 * with paging, and membership changes. Replace, delete and membership changes are for OKTA_GROUP groups only.
 */
import type { GroupRecord, UserRecord } from '../directory.js';
import { OktaApiError } from '../errors.js';
import { groupJson, groupSearchView, groupTarget, indexedGroupView, recordGroupWrite } from './group-json.js';
import { appendRequestEvent, userActor, type Org } from '../org.js';
import { invalidCursor, linkHeaders, readLimit } from '../paging.js';
import {
  FilterSyntaxError,
  matchesFilter,
  parseFilter,
  walkComparisons,
  type FilterExpression,
} from '../scim-filter.js';
import { findUserOr404 } from '../users/users-api.js';
import { userJson } from '../users/user-json.js';
import type { Route, SimRequest, SimResponse } from '../types.js';

const READ = ['okta.groups.read', 'okta.groups.manage'];
const MANAGE = ['okta.groups.manage'];
const SEARCH_ATTRIBUTE = /^(id|type|created|lastUpdated|lastMembershipUpdated|source\.id|profile\.[A-Za-z0-9_]+)$/;
const FILTER_ATTRIBUTES = new Set(['id', 'type', 'lastUpdated', 'lastMembershipUpdated']);

function findGroupOr404(org: Org, groupId: string): GroupRecord {
  const group = org.directory.groups.get(groupId);
  if (!group) throw new OktaApiError('E0000007', { summaryArgument: `Resource not found: ${groupId} (UserGroup)` });
  return group;
}

/** Parses `search` or `filter` against the rule of each; throws E0000031 on anything Okta does not support. */
function parseGroupExpression(text: string, mode: 'search' | 'filter'): FilterExpression {
  let expression: FilterExpression;
  try {
    expression = parseFilter(text);
  } catch (error) {
    if (error instanceof FilterSyntaxError)
      throw new OktaApiError('E0000031', { causes: [`Invalid search criteria: ${error.message}`] });
    throw error;
  }
  const problems: string[] = [];
  walkComparisons(
    expression,
    ({ attribute, operator }) => {
      const dated = attribute === 'lastUpdated' || attribute === 'lastMembershipUpdated' || attribute === 'created';
      if (mode === 'filter') {
        if (!FILTER_ATTRIBUTES.has(attribute)) problems.push(`Unsupported filter attribute: ${attribute}`);
        else if (operator !== 'eq' && !(dated && ['gt', 'ge', 'lt', 'le'].includes(operator)))
          problems.push(`Unsupported operator: ${operator}`);
        return;
      }
      if (!SEARCH_ATTRIBUTE.test(attribute)) problems.push(`Unsupported attribute: ${attribute}`);
      else if (operator === 'co' && attribute !== 'profile.name' && attribute !== 'profile.description')
        problems.push(`The "co" operator is not supported on ${attribute}`);
      else if (!['eq', 'sw', 'co', 'pr'].includes(operator) && !(dated && ['gt', 'ge', 'lt', 'le'].includes(operator)))
        problems.push(`Unsupported operator: ${operator}`);
    },
    () => problems.push('The "not" operator is not supported'),
  );
  if (problems.length > 0) throw new OktaApiError('E0000031', { causes: problems });
  return expression;
}

function listGroups(org: Org, req: SimRequest): SimResponse {
  const q = req.query.get('q');
  const search = req.query.get('search');
  const filter = req.query.get('filter');
  // Defaults: 300 for `q` (the spec), 10000 otherwise (the self link of a plain list, okta-sdk-python.json[109]).
  const limit = readLimit(req, { defaultLimit: q !== null ? 300 : 10000, max: 10000 });
  let expression: FilterExpression | undefined;
  if (search !== null || filter !== null) {
    expression = parseGroupExpression((search ?? filter) as string, search !== null ? 'search' : 'filter');
  }
  const prefix = q?.toLowerCase();
  const pageable = q === null;
  const after = req.query.get('after');
  let position = 0;
  if (after && pageable) {
    const cursor = org.directory.groupPositions.get(after);
    if (cursor === undefined) throw invalidCursor();
    position = cursor + 1;
  }
  const all = org.directory.groupsInOrder;
  const page: GroupRecord[] = [];
  let hasMore = false;
  for (; position < all.length; position++) {
    const group = all[position] as GroupRecord;
    if (!org.directory.groups.has(group.id)) continue;
    if (prefix !== undefined && !String(group.profile.name).toLowerCase().startsWith(prefix)) continue;
    if (expression) {
      // Only `search` reads the lagging index; `filter` and `q` see the group as it is.
      const view = search !== null ? indexedGroupView(org, group) : groupSearchView(group);
      if (!view || !matchesFilter(expression, view)) continue;
    }
    if (page.length === limit) {
      hasMore = true;
      break;
    }
    page.push(group);
  }
  const last = page[page.length - 1];
  return {
    status: 200,
    // A `q` search sends no Link header at all (facts §10.3: every recorded `q` group search).
    ...(pageable
      ? { headers: { link: linkHeaders(org, req, limit, hasMore && last ? { after: last.id } : undefined) } }
      : {}),
    body: page.map((group) => groupJson(org, group)),
  };
}

type GroupBody = { profile?: { name?: unknown; description?: unknown } };

/** The group name of a create or replace body; throws E0000001 when blank or taken by another OKTA_GROUP. */
function checkedGroupName(org: Org, body: GroupBody, ownId?: string): string {
  const name = body.profile?.name;
  if (typeof name !== 'string' || name.trim() === '')
    throw new OktaApiError('E0000001', { causes: ['name: The field cannot be left blank'], summaryArgument: 'name' });
  const taken = org.directory.groupsInOrder.some(
    (group) =>
      group.id !== ownId &&
      org.directory.groups.has(group.id) &&
      group.profile.name === name &&
      group.type === 'OKTA_GROUP',
  );
  if (taken)
    throw new OktaApiError('E0000001', {
      causes: ['name: An object with this field already exists in the current organization'],
      summaryArgument: 'name',
    });
  return name;
}

/** Only OKTA_GROUP groups are the API's to change (APP_GROUP comes from imports, Everyone is built in). */
function requireOktaGroup(group: GroupRecord): void {
  if (group.type !== 'OKTA_GROUP') throw new OktaApiError('E0000006');
}

function createGroup(org: Org, req: SimRequest): SimResponse {
  const body = (req.body ?? {}) as GroupBody;
  const name = checkedGroupName(org, body);
  const now = org.clock.now();
  const group = org.directory.addGroup({
    id: org.newId('00g'),
    type: 'OKTA_GROUP',
    created: now,
    lastUpdated: now,
    lastMembershipUpdated: now,
    profile: {
      ...(body.profile as object),
      name,
      description: typeof body.profile?.description === 'string' ? body.profile.description : null,
    },
    searchPrevious: null,
    writtenAt: now,
  });
  appendRequestEvent(org, req, { eventType: 'group.lifecycle.create', target: [groupTarget(group)] });
  return { status: 200, body: groupJson(org, group) };
}

/** PUT replaces the profile: 200 with the group (terraform-provider-okta.json[132]). */
function replaceGroup(org: Org, req: SimRequest, groupId: string): SimResponse {
  const group = findGroupOr404(org, groupId);
  const body = (req.body ?? {}) as GroupBody;
  requireOktaGroup(group);
  const name = checkedGroupName(org, body, group.id);
  recordGroupWrite(org, group);
  group.profile = {
    ...(body.profile as object),
    name,
    description: typeof body.profile?.description === 'string' ? body.profile.description : null,
  };
  group.lastUpdated = org.clock.now();
  appendRequestEvent(org, req, { eventType: 'group.profile.update', target: [groupTarget(group)] });
  return { status: 200, body: groupJson(org, group) };
}

/** DELETE: 204 with no body; a GET afterwards is 404 (terraform-provider-okta.json[134], [135]). */
function deleteGroup(org: Org, req: SimRequest, groupId: string): SimResponse {
  const group = findGroupOr404(org, groupId);
  requireOktaGroup(group);
  recordGroupWrite(org, group);
  org.directory.deleteGroup(group);
  appendRequestEvent(org, req, { eventType: 'group.lifecycle.delete', target: [groupTarget(group)] });
  return { status: 204 };
}

function listMembers(org: Org, req: SimRequest, groupId: string): SimResponse {
  const group = findGroupOr404(org, groupId);
  const limit = readLimit(req, { defaultLimit: 1000, max: 10000 });
  const after = req.query.get('after');
  if (after !== null && !org.directory.userPositions.has(after)) throw invalidCursor();
  const page: UserRecord[] = [];
  let hasMore = false;
  let skipping = after !== null;
  // Members are kept in the order they were added; the cursor is the last member's id.
  for (const userId of group.members.keys()) {
    if (skipping) {
      if (userId === after) skipping = false;
      continue;
    }
    const user = org.directory.users.get(userId);
    if (!user) continue;
    if (page.length === limit) {
      hasMore = true;
      break;
    }
    page.push(user);
  }
  const last = page[page.length - 1];
  return {
    status: 200,
    headers: { link: linkHeaders(org, req, limit, hasMore && last ? { after: last.id } : undefined) },
    body: page.map((user) => userJson(org, user, { inCollection: true })),
  };
}

function changeMembership(org: Org, req: SimRequest, groupId: string, userId: string, add: boolean): SimResponse {
  const group = findGroupOr404(org, groupId);
  const user = findUserOr404(org, req, userId);
  requireOktaGroup(group);
  const now = org.clock.now();
  recordGroupWrite(org, group);
  const appsBefore = new Set(org.directory.userApps(user.id).map((app) => app.id));
  const changed = add
    ? org.directory.addMember(group.id, user.id, now)
    : org.directory.removeMember(group.id, user.id, now);
  if (changed) {
    appendRequestEvent(org, req, {
      eventType: add ? 'group.user_membership.add' : 'group.user_membership.remove',
      target: [userActor(user), groupTarget(group)],
    });
    const appsAfter = new Set(org.directory.userApps(user.id).map((app) => app.id));
    const gained = add
      ? [...appsAfter].filter((id) => !appsBefore.has(id))
      : [...appsBefore].filter((id) => !appsAfter.has(id));
    for (const appId of gained) {
      const app = org.directory.apps.get(appId);
      if (!app) continue;
      appendRequestEvent(org, req, {
        eventType: add ? 'application.user_membership.add' : 'application.user_membership.remove',
        target: [
          userActor(user),
          { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: null },
        ],
      });
    }
  }
  return { status: 204 };
}

export function groupRoutes(org: Org): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/api/v1/groups',
      bucket: 'groups',
      scopes: READ,
      handler: (req) => listGroups(org, req),
    },
    {
      method: 'POST',
      pattern: '/api/v1/groups',
      bucket: 'groups',
      scopes: MANAGE,
      handler: (req) => createGroup(org, req),
    },
    {
      method: 'GET',
      pattern: '/api/v1/groups/:groupId',
      bucket: 'group',
      scopes: READ,
      handler: (_req, p) => ({ status: 200, body: groupJson(org, findGroupOr404(org, p.groupId as string)) }),
    },
    {
      method: 'PUT',
      pattern: '/api/v1/groups/:groupId',
      bucket: 'group',
      scopes: MANAGE,
      handler: (req, p) => replaceGroup(org, req, p.groupId as string),
    },
    {
      method: 'DELETE',
      pattern: '/api/v1/groups/:groupId',
      bucket: 'group',
      scopes: MANAGE,
      handler: (req, p) => deleteGroup(org, req, p.groupId as string),
    },
    {
      method: 'GET',
      pattern: '/api/v1/groups/:groupId/users',
      bucket: 'group',
      scopes: READ,
      handler: (req, p) => listMembers(org, req, p.groupId as string),
    },
    {
      method: 'PUT',
      pattern: '/api/v1/groups/:groupId/users/:userId',
      bucket: 'group',
      scopes: MANAGE,
      handler: (req, p) => changeMembership(org, req, p.groupId as string, p.userId as string, true),
    },
    {
      method: 'DELETE',
      pattern: '/api/v1/groups/:groupId/users/:userId',
      bucket: 'group',
      scopes: MANAGE,
      handler: (req, p) => changeMembership(org, req, p.groupId as string, p.userId as string, false),
    },
  ];
}
