/**
 * `expire-password`: the user must change the password at the next sign-in. With `tempPassword` Okta sets a
 * temporary password and returns it; otherwise the updated user comes back.
 */
import { actionHandler } from '../lib/actions/action-handler.js';
import { InvalidInput } from '../lib/errors.js';
import { withoutLinks } from '../lib/okta/objects.js';
import { userPath } from '../lib/okta/paths.js';
import { withStatusCheck } from '../lib/actions/user-lifecycle.js';

export const handler = actionHandler('expire-password', async (input, okta, { deadline }) => {
  // Okta's plain expire_password takes no revokeSessions: refuse it rather than silently ignore it.
  if (input.revokeSessions && !input.tempPassword) {
    throw new InvalidInput([{ field: 'revokeSessions', problem: 'applies only with tempPassword: true' }]);
  }
  const { user, result } = await withStatusCheck({
    okta,
    userId: input.userId,
    deadline,
    verb: 'expire the password of',
    change: (id) =>
      input.tempPassword
        ? okta.request<{ tempPassword?: string }>(
            {
              method: 'POST',
              path: `${userPath(id)}/lifecycle/expire_password_with_temp_password`,
              query: { revokeSessions: input.revokeSessions },
            },
            { deadline },
          )
        : okta.request<{ tempPassword?: string }>(
            { method: 'POST', path: `${userPath(id)}/lifecycle/expire_password` },
            { deadline },
          ),
  });
  return input.tempPassword ? { userId: user.id, tempPassword: result.body.tempPassword } : withoutLinks(result.body);
});
