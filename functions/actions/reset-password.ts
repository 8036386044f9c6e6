/** `reset-password`: an admin password reset (the user goes to RECOVERY); the URL comes back when `sendEmail` is false. */
import { actionHandler } from '../lib/actions/action-handler.js';
import { userPath } from '../lib/okta/paths.js';
import { withStatusCheck } from '../lib/actions/user-lifecycle.js';

export const handler = actionHandler('reset-password', async (input, okta, { deadline }) => {
  const { user, result } = await withStatusCheck({
    okta,
    userId: input.userId,
    deadline,
    verb: 'reset the password of',
    change: (id) =>
      okta.request<{ resetPasswordUrl?: string } | undefined>(
        {
          method: 'POST',
          path: `${userPath(id)}/lifecycle/reset_password`,
          // Okta's spec marks sendEmail required: always send it.
          query: { sendEmail: input.sendEmail, revokeSessions: input.revokeSessions },
        },
        { deadline },
      ),
  });
  const url = result.body?.resetPasswordUrl;
  return { userId: user.id, ...(url ? { resetPasswordUrl: url } : {}) };
});
