/** `unsuspend-user`: SUSPENDED to ACTIVE; already ACTIVE is `changed: false`. */
import { actionHandler } from '../lib/actions/action-handler.js';
import { userPath } from '../lib/okta/paths.js';
import { changeStatus } from '../lib/actions/user-lifecycle.js';

export const handler = actionHandler('unsuspend-user', async (input, okta, { deadline }) => {
  const outcome = await changeStatus({
    okta,
    userId: input.userId,
    deadline,
    verb: 'unsuspend',
    targets: ['ACTIVE'],
    change: (id) => okta.request({ method: 'POST', path: `${userPath(id)}/lifecycle/unsuspend` }, { deadline }),
  });
  return {
    userId: outcome.user.id,
    status: outcome.changed ? 'ACTIVE' : outcome.user.status,
    changed: outcome.changed,
  };
});
