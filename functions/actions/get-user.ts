/** `get-user`: the Okta user, by id or login. */
import { actionHandler } from '../lib/actions/action-handler.js';
import { withoutLinks } from '../lib/okta/objects.js';
import { getUser } from '../lib/actions/user-lifecycle.js';

export const handler = actionHandler('get-user', async (input, okta, { deadline }) =>
  withoutLinks(await getUser(okta, input.userId, deadline)),
);
