/** `get-group-members`: up to `limit` users of the group (default 200), with `after` when more remain. */
import { actionHandler } from '../lib/actions/action-handler.js';
import { listWithoutLinks } from '../lib/okta/objects.js';
import { groupPath } from '../lib/okta/paths.js';

export const DEFAULT_LIMIT = 200;
/** Okta's recommended page size for group members (its default, 1000, risks timeouts). */
const PAGE_SIZE = 200;

export const handler = actionHandler('get-group-members', async (input, okta, { deadline }) => {
  const { items, after } = await okta.list(
    { method: 'GET', path: `${groupPath(input.groupId)}/users`, query: { after: input.after } },
    { deadline, limit: input.limit ?? DEFAULT_LIMIT, pageSize: PAGE_SIZE },
  );
  return { users: listWithoutLinks(items), ...(after ? { after } : {}) };
});
