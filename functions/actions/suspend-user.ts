/** `suspend-user`: ACTIVE to SUSPENDED; already SUSPENDED is `changed: false`. */
import { actionHandler } from '../lib/actions/action-handler.js';
import { userPath } from '../lib/okta/paths.js';
import { changeStatus } from '../lib/actions/user-lifecycle.js';

export const handler = actionHandler('suspend-user', async (input, okta, { deadline }) => {
  const outcome = await changeStatus({
    okta,
    userId: input.userId,
    deadline,
    verb: 'suspend',
    targets: ['SUSPENDED'],
    change: (id) => okta.request({ method: 'POST', path: `${userPath(id)}/lifecycle/suspend` }, { deadline }),
  });
  return {
    userId: outcome.user.id,
    status: outcome.changed ? 'SUSPENDED' : outcome.user.status,
    changed: outcome.changed,
  };
});
