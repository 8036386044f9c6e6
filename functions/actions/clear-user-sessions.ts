/** `clear-user-sessions`: ends the user's Okta sessions and, with `revokeOAuthTokens`, the tokens issued to them. */
import { actionHandler } from '../lib/actions/action-handler.js';
import { userPath } from '../lib/okta/paths.js';
import { getUser } from '../lib/actions/user-lifecycle.js';

export const handler = actionHandler('clear-user-sessions', async (input, okta, { deadline }) => {
  // Read first so a login resolves to the id the answer names, and an unknown user is OktaNotFound.
  const user = await getUser(okta, input.userId, deadline);
  // DELETE is idempotent, so the client's retries are safe here.
  await okta.request(
    { method: 'DELETE', path: `${userPath(user.id)}/sessions`, query: { oauthTokens: input.revokeOAuthTokens } },
    { deadline },
  );
  return { userId: user.id };
});
