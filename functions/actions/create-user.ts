/** `create-user`: creates the user (with password, recovery question and groups when given) and returns it. */
import { actionHandler } from '../lib/actions/action-handler.js';
import { withoutLinks } from '../lib/okta/objects.js';

interface Input {
  profile: Record<string, unknown>;
  password?: string;
  recoveryQuestion?: { question: string; answer: string };
  activate: boolean;
  groupIds?: string[];
  nextLogin?: 'changePassword';
}

export const handler = actionHandler<Input, unknown>('create-user', async (input, okta, { deadline }) => {
  const credentials = {
    ...(input.password !== undefined ? { password: { value: input.password } } : {}),
    ...(input.recoveryQuestion ? { recovery_question: input.recoveryQuestion } : {}),
  };
  const body = {
    profile: input.profile,
    ...(Object.keys(credentials).length > 0 ? { credentials } : {}),
    ...(input.groupIds ? { groupIds: input.groupIds } : {}),
  };
  const response = await okta.request(
    { method: 'POST', path: '/api/v1/users', query: { activate: input.activate, nextLogin: input.nextLogin }, body },
    { deadline },
  );
  return withoutLinks(response.body);
});
