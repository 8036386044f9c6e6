/** `add-user-to-group`: adds a user to an OKTA_GROUP group (Okta refuses APP_GROUP and BUILT_IN groups with 403). */
import { actionHandler } from '../lib/actions/action-handler.js';
import { groupPath, segment } from '../lib/okta/paths.js';

export const handler = actionHandler('add-user-to-group', async (input, okta, { deadline }) => {
  const path = `${groupPath(input.groupId)}/users/${segment(input.userId, 'userId')}`;
  await okta.request({ method: 'PUT', path }, { deadline });
  return { userId: input.userId, groupId: input.groupId };
});
