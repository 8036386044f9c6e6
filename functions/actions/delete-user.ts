/**
 * `delete-user`: Okta deletes in two steps. On a user who is not DEPROVISIONED the first DELETE only deactivates
 * and "a second delete operation is required to delete the user" (SPEC deleteUser), so this action reads the
 * status and sends both when needed.
 */
import { actionHandler } from '../lib/actions/action-handler.js';
import { isConnectorError } from '../lib/errors.js';
import { userPath } from '../lib/okta/paths.js';
import { getUser } from '../lib/actions/user-lifecycle.js';

export const handler = actionHandler('delete-user', async (input, okta, { deadline }) => {
  const user = await getUser(okta, input.userId, deadline);
  const remove = () =>
    okta.request({ method: 'DELETE', path: userPath(user.id), query: { sendEmail: input.sendEmail } }, { deadline });
  if (user.status === 'DEPROVISIONED') {
    await remove();
  } else {
    await remove(); // deactivates
    await secondStep(remove);
  }
  return { userId: user.id, deleted: true };
});

/** The second step; a 404 there means someone else deprovisioned and deleted the user in between: done anyway. */
async function secondStep(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    if (isConnectorError(error) && error.name === 'OktaNotFound') return;
    throw error;
  }
}
