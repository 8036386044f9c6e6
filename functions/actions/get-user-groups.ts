/** `get-user-groups`: every group the user belongs to (all pages). */
import { actionHandler } from '../lib/actions/action-handler.js';
import { listWithoutLinks } from '../lib/okta/objects.js';
import { userPath } from '../lib/okta/paths.js';

export const handler = actionHandler('get-user-groups', async (input, okta, { deadline }) => {
  const { items } = await okta.list({ method: 'GET', path: `${userPath(input.userId)}/groups` }, { deadline });
  return { groups: listWithoutLinks(items) };
});
