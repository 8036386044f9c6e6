/**
 * `GET /api/v1/users`: the plain list (DEPROVISIONED left out), `filter`, `q` (starts-with, not pageable) and
 * `search` (eventually consistent; sorted with `sortBy`/`sortOrder`), paged by `limit` and `after`.
 */
import type { UserRecord } from '../directory.js';
import type { Org } from '../org.js';
import { invalidCursor, linkHeaders, readLimit } from '../paging.js';
import { parseUserFilter, parseUserSearch, userQueryPredicate, type UserPredicate } from './user-queries.js';
import { indexedUserView, userJson, userJsonOptions, userSearchView } from './user-json.js';
import type { SimRequest, SimResponse } from '../types.js';
import { asText } from '../text.js';

type UserView = (user: UserRecord) => Record<string, unknown> | undefined;

interface Walk {
  predicate?: UserPredicate;
  /** What the predicate reads: the user as it is, or as the (lagging) search index has it. */
  view: UserView;
  includeDeprovisioned: boolean;
  pageable: boolean;
}

/** Answers a users list request. */
export function listUsers(org: Org, req: SimRequest): SimResponse {
  const q = req.query.get('q');
  const search = req.query.get('search');
  const filter = req.query.get('filter');
  const limit = readLimit(req, {
    defaultLimit: q !== null && search === null && filter === null ? 10 : 200,
    max: 200,
  });
  const options = { ...userJsonOptions(req.headers['content-type'], req.headers['okta-response']), inCollection: true };

  if (search !== null) {
    const predicate = parseUserSearch(search);
    if (req.query.get('sortBy')) return sortedSearchPage(org, req, predicate, limit, options);
    return walkPage(
      org,
      req,
      { predicate, view: (user) => indexedUserView(org, user), includeDeprovisioned: true, pageable: true },
      limit,
      options,
    );
  }
  if (filter !== null) {
    const predicate = parseUserFilter(filter);
    return walkPage(
      org,
      req,
      { predicate, view: userSearchView, includeDeprovisioned: true, pageable: true },
      limit,
      options,
    );
  }
  if (q !== null)
    return walkPage(
      org,
      req,
      { predicate: userQueryPredicate(q), view: userSearchView, includeDeprovisioned: false, pageable: false },
      limit,
      options,
    );
  return walkPage(org, req, { view: userSearchView, includeDeprovisioned: false, pageable: true }, limit, options);
}

/** Walks creation order from the cursor: no copy of the user list, work proportional to the page. */
function walkPage(
  org: Org,
  req: SimRequest,
  walk: Walk,
  limit: number,
  options: ReturnType<typeof userJsonOptions>,
): SimResponse {
  const directory = org.directory;
  const after = req.query.get('after');
  let position = 0;
  if (after && walk.pageable) {
    const cursor = directory.userPositions.get(after);
    if (cursor === undefined) throw invalidCursor();
    position = cursor + 1;
  }
  const page: UserRecord[] = [];
  let hasMore = false;
  for (; position < directory.usersInOrder.length; position++) {
    const user = directory.usersInOrder[position] as UserRecord;
    if (user.deleted || (!walk.includeDeprovisioned && user.status === 'DEPROVISIONED')) continue;
    if (walk.predicate) {
      const view = walk.view(user);
      if (!view || !walk.predicate(view)) continue;
    }
    if (page.length === limit) {
      hasMore = true;
      break;
    }
    page.push(user);
  }
  const last = page[page.length - 1];
  const next = walk.pageable && hasMore && last ? { after: last.id } : undefined;
  return {
    status: 200,
    headers: { link: linkHeaders(org, req, limit, next) },
    body: page.map((user) => userJson(org, user, options)),
  };
}

/** A sorted `search` page (`sortBy`, `sortOrder`): every match is collected and sorted, then paged. */
function sortedSearchPage(
  org: Org,
  req: SimRequest,
  predicate: UserPredicate,
  limit: number,
  options: ReturnType<typeof userJsonOptions>,
): SimResponse {
  const sortBy = req.query.get('sortBy') as string;
  const descending =
    req.query.get('sortOrder')?.toLowerCase() === 'desc' || req.query.get('sortOrder')?.toLowerCase() === 'descending';
  const matches: Array<{ user: UserRecord; view: Record<string, unknown> }> = [];
  for (const user of org.directory.usersInOrder) {
    if (user.deleted) continue;
    const view = indexedUserView(org, user);
    if (view && predicate(view)) matches.push({ user, view });
  }
  const key = (view: Record<string, unknown>): string => {
    let value: unknown = view;
    for (const part of sortBy.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
    return asText(value).toLowerCase();
  };
  const keyed = matches.map((match) => ({ ...match, key: key(match.view) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.user.seq - b.user.seq));
  if (descending) keyed.reverse();
  const after = req.query.get('after');
  if (after && !org.directory.userPositions.has(after)) throw invalidCursor();
  const start = after ? keyed.findIndex((match) => match.user.id === after) + 1 : 0;
  const page = keyed.slice(start, start + limit);
  const last = page[page.length - 1];
  const next = start + limit < keyed.length && last ? { after: last.user.id } : undefined;
  return {
    status: 200,
    headers: { link: linkHeaders(org, req, limit, next) },
    body: page.map((match) => userJson(org, match.user, options)),
  };
}
