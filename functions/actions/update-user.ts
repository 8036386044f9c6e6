/**
 * `update-user`: a partial update (Okta POST: only the attributes sent change) unless `replace` is true, which is
 * Okta's PUT: the profile sent becomes the whole profile and every attribute not sent is deleted. A replacement
 * therefore needs `profile`, with every attribute Okta requires (login, email, firstName, lastName).
 */
import { actionHandler } from '../lib/action-handler.js';
import { InvalidInput } from '../lib/errors.js';
import { withoutLinks } from '../lib/okta-objects.js';
import { userPath } from '../lib/okta-paths.js';

interface Input {
  userId: string;
  profile?: Record<string, unknown>;
  password?: string;
  replace: boolean;
}

export const handler = actionHandler<Input, unknown>('update-user', async (input, okta, { deadline }) => {
  if (input.replace && input.profile === undefined) {
    throw new InvalidInput([{ field: 'profile', problem: 'is required when replace is true (Okta replaces the whole profile)' }]);
  }
  const body = {
    ...(input.profile !== undefined ? { profile: input.profile } : {}),
    ...(input.password !== undefined ? { credentials: { password: { value: input.password } } } : {}),
  };
  const method = input.replace ? 'PUT' : 'POST';
  const response = await okta.request({ method, path: userPath(input.userId), body }, { deadline });
  return withoutLinks(response.body);
});
