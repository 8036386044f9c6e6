/**
 * `update-user`: a partial update (Okta POST: only the attributes sent change) unless `replace` is true, which is
 * Okta's PUT: the profile sent becomes the whole profile and every attribute not sent is deleted. A replacement
 * therefore needs `profile`, with every attribute Okta requires (login, email, firstName, lastName).
 */
import { actionHandler } from '../lib/actions/action-handler.js';
import { InvalidInput, isConnectorError } from '../lib/errors.js';
import { withoutLinks } from '../lib/okta/objects.js';
import type { OktaClient } from '../lib/okta/client.js';
import { userPath } from '../lib/okta/paths.js';
import { getUser, invalidUserState } from '../lib/actions/user-lifecycle.js';

export const handler = actionHandler('update-user', async (input, okta, { deadline }) => {
  if (input.replace && input.profile === undefined) {
    throw new InvalidInput([
      { field: 'profile', problem: 'is required when replace is true (Okta replaces the whole profile)' },
    ]);
  }
  const body = {
    ...(input.profile !== undefined ? { profile: input.profile } : {}),
    ...(input.password !== undefined ? { credentials: { password: { value: input.password } } } : {}),
  };
  const method = input.replace ? 'PUT' : 'POST';
  try {
    const response = await okta.request({ method, path: userPath(input.userId), body }, { deadline });
    return withoutLinks(response.body);
  } catch (error) {
    throw await refusedForStatus(okta, input.userId, deadline, error);
  }
});

/**
 * Okta refuses to update a DEPROVISIONED user's profile (unless the org allows it) with the generic E0000001, the
 * same code as a bad attribute: a fresh read of the status tells the two apart.
 */
async function refusedForStatus(okta: OktaClient, userId: string, deadline: number, error: unknown): Promise<unknown> {
  if (!isConnectorError(error) || error.oktaErrorCode !== 'E0000001') return error;
  const user = await getUser(okta, userId, deadline);
  if (user.status !== 'DEPROVISIONED') return error;
  return invalidUserState('update', user, error);
}
