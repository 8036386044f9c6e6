/**
 * `unlock-user`: LOCKED_OUT to ACTIVE. Okta refuses a user who is not locked out with 403 E0000032 ("Unlock is
 * not allowed for this user", cause "The user is not locked out.", okta-sdk-python recording); a fresh read then
 * tells a user already ACTIVE (`changed: false`, so a retry does no harm) from one in a status unlock cannot
 * leave (InvalidUserState naming it). The decision rests on the error code and the status, not on Okta's text.
 */
import { actionHandler } from '../lib/actions/action-handler.js';
import { userPath } from '../lib/okta/paths.js';
import { getUser, invalidUserState, isStatusError } from '../lib/actions/user-lifecycle.js';

export const handler = actionHandler('unlock-user', async (input, okta, { deadline }) => {
  const user = await getUser(okta, input.userId, deadline);
  try {
    // ACTIVE users are sent too: Okta's unlock also clears "blocked from unknown devices", a state the status
    // does not show.
    await okta.request({ method: 'POST', path: `${userPath(user.id)}/lifecycle/unlock` }, { deadline });
  } catch (error) {
    if (!isStatusError(error)) throw error;
    const fresh = await getUser(okta, user.id, deadline);
    if (fresh.status === 'ACTIVE') return { userId: fresh.id, status: 'ACTIVE', changed: false };
    throw invalidUserState('unlock', fresh, error);
  }
  const changed = user.status === 'LOCKED_OUT';
  return { userId: user.id, status: changed ? 'ACTIVE' : user.status, changed };
});
