/** `deactivate-user`: any status to DEPROVISIONED; already DEPROVISIONED is `changed: false`. */
import { actionHandler } from '../lib/actions/action-handler.js';
import { userPath } from '../lib/okta/paths.js';
import { changeStatus } from '../lib/actions/user-lifecycle.js';

export const handler = actionHandler('deactivate-user', async (input, okta, { deadline }) => {
  const outcome = await changeStatus({
    okta,
    userId: input.userId,
    deadline,
    verb: 'deactivate',
    targets: ['DEPROVISIONED'],
    // Without `Prefer: respond-async` Okta finishes the deactivation before answering, so the status is final.
    change: (id) =>
      okta.request(
        { method: 'POST', path: `${userPath(id)}/lifecycle/deactivate`, query: { sendEmail: input.sendEmail } },
        { deadline },
      ),
  });
  return {
    userId: outcome.user.id,
    status: outcome.changed ? 'DEPROVISIONED' : outcome.user.status,
    changed: outcome.changed,
  };
});
