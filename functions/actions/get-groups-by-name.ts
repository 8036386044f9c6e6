/**
 * `get-groups-by-name`: exact is Okta's `search=profile.name eq "<name>"` (every page; Okta compares values
 * case-insensitively); startsWith is Okta's `q`, which matches a name prefix but cannot be paged, so one page of
 * at most 200 groups.
 */
import { actionHandler } from '../lib/actions/action-handler.js';
import { listWithoutLinks } from '../lib/okta/objects.js';
import { scimString } from '../lib/okta/paths.js';

const PAGE_SIZE = 200;

export const handler = actionHandler('get-groups-by-name', async (input, okta, { deadline }) => {
  if (input.match === 'startsWith') {
    const response = await okta.request<unknown[]>(
      { method: 'GET', path: '/api/v1/groups', query: { q: input.name, limit: PAGE_SIZE } },
      { deadline },
    );
    return { groups: listWithoutLinks(Array.isArray(response.body) ? response.body : []) };
  }
  const { items } = await okta.list(
    { method: 'GET', path: '/api/v1/groups', query: { search: `profile.name eq ${scimString(input.name)}` } },
    { deadline, pageSize: PAGE_SIZE },
  );
  return { groups: listWithoutLinks(items) };
});
