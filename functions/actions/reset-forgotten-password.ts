/**
 * `reset-forgotten-password`: Okta's forgot-password flow for an ACTIVE user with a recovery question; the status
 * does not change. The URL comes back when `sendEmail` is false.
 */
import { actionHandler } from '../lib/actions/action-handler.js';
import { userPath } from '../lib/okta/paths.js';
import { withStatusCheck } from '../lib/actions/user-lifecycle.js';

export const handler = actionHandler('reset-forgotten-password', async (input, okta, { deadline }) => {
  const { user, result } = await withStatusCheck({
    okta,
    userId: input.userId,
    deadline,
    verb: 'start a forgotten-password reset for',
    change: (id) =>
      okta.request<{ resetPasswordUrl?: string } | undefined>(
        { method: 'POST', path: `${userPath(id)}/credentials/forgot_password`, query: { sendEmail: input.sendEmail } },
        { deadline },
      ),
  });
  const url = result.body?.resetPasswordUrl;
  return { userId: user.id, ...(url ? { resetPasswordUrl: url } : {}) };
});
