/** `reset-factors`: removes every MFA factor the user enrolled; the user enrols again at the next sign-in. */
import { actionHandler } from '../lib/actions/action-handler.js';
import { userPath } from '../lib/okta/paths.js';
import { withStatusCheck } from '../lib/actions/user-lifecycle.js';

export const handler = actionHandler('reset-factors', async (input, okta, { deadline }) => {
  const { user } = await withStatusCheck({
    okta,
    userId: input.userId,
    deadline,
    verb: 'reset the factors of',
    change: (id) => okta.request({ method: 'POST', path: `${userPath(id)}/lifecycle/reset_factors` }, { deadline }),
  });
  return { userId: user.id };
});
