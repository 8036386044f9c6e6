/**
 * `list-user-apps`: the user's app links. `/users/{id}/appLinks` covers apps assigned directly and through groups
 * (OKTA-API-FACTS §1 18b) in one call with `okta.users.read`, where `/apps?filter=user.id eq` needs
 * `okta.apps.read` and pages through full app objects.
 */
import { actionHandler } from '../lib/actions/action-handler.js';
import { listWithoutLinks } from '../lib/okta/objects.js';
import { userPath } from '../lib/okta/paths.js';

export const handler = actionHandler('list-user-apps', async (input, okta, { deadline }) => {
  const response = await okta.request<unknown[]>(
    { method: 'GET', path: `${userPath(input.userId)}/appLinks` },
    { deadline },
  );
  return { apps: listWithoutLinks(Array.isArray(response.body) ? response.body : []) };
});
