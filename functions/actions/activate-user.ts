/**
 * `activate-user`: STAGED or DEPROVISIONED to PROVISIONED or ACTIVE. A user already ACTIVE, or PROVISIONED
 * (activation started, waiting for the user), is `changed: false`: Okta would refuse a second activation (E0000016).
 */
import { actionHandler } from '../lib/actions/action-handler.js';
import { userPath } from '../lib/okta/paths.js';
import { changeStatus, getUser } from '../lib/actions/user-lifecycle.js';

interface ActivationToken {
  activationUrl?: string;
  activationToken?: string;
}

export const handler = actionHandler('activate-user', async (input, okta, { deadline }) => {
  const outcome = await changeStatus({
    okta,
    userId: input.userId,
    deadline,
    verb: 'activate',
    targets: ['ACTIVE', 'PROVISIONED'],
    change: (id) =>
      okta.request<ActivationToken | undefined>(
        { method: 'POST', path: `${userPath(id)}/lifecycle/activate`, query: { sendEmail: input.sendEmail } },
        { deadline },
      ),
  });
  if (!outcome.changed) return { userId: outcome.user.id, status: outcome.user.status, changed: false };
  // Activation ends in ACTIVE or PROVISIONED depending on the user's credentials and the org's policy: read it.
  const after = await getUser(okta, outcome.user.id, deadline);
  const token = outcome.result.body ?? {};
  return {
    userId: after.id,
    status: after.transitioningToStatus ?? after.status,
    changed: true,
    ...(token.activationUrl ? { activationUrl: token.activationUrl } : {}),
    ...(token.activationToken ? { activationToken: token.activationToken } : {}),
  };
});
