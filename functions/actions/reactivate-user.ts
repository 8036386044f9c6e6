/** `reactivate-user`: a new activation for a PROVISIONED user; the URL and token come back when `sendEmail` is false. */
import { actionHandler } from '../lib/actions/action-handler.js';
import { userPath } from '../lib/okta/paths.js';
import { withStatusCheck } from '../lib/actions/user-lifecycle.js';

interface Activation {
  activationUrl?: string;
  activationToken?: string;
}

export const handler = actionHandler('reactivate-user', async (input, okta, { deadline }) => {
  const { user, result } = await withStatusCheck({
    okta,
    userId: input.userId,
    deadline,
    verb: 'reactivate',
    change: (id) =>
      okta.request<Activation | undefined>(
        { method: 'POST', path: `${userPath(id)}/lifecycle/reactivate`, query: { sendEmail: input.sendEmail } },
        { deadline },
      ),
  });
  const { activationUrl, activationToken } = result.body ?? {};
  return {
    userId: user.id,
    ...(activationUrl ? { activationUrl } : {}),
    ...(activationToken ? { activationToken } : {}),
  };
});
