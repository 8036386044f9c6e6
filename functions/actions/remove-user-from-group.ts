/** `remove-user-from-group`: removes a user from an OKTA_GROUP group (Okta refuses APP_GROUP and BUILT_IN groups with 403). */
import { actionHandler } from '../lib/actions/action-handler.js';
import { groupPath, segment } from '../lib/okta/paths.js';

export const handler = actionHandler('remove-user-from-group', async (input, okta, { deadline }) => {
  const path = `${groupPath(input.groupId)}/users/${segment(input.userId, 'userId')}`;
  await okta.request({ method: 'DELETE', path }, { deadline });
  return { userId: input.userId, groupId: input.groupId };
});
