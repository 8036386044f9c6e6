/**
 * `create-user`: creates the user (with password, recovery question and groups when given) and returns it. With an
 * `idempotencyKey`, a retry returns the user the first attempt created (see idempotent-run.ts).
 */
import { actionHandler } from '../lib/actions/action-handler.js';
import type { ActionInput } from '../catalog.js';
import type { OktaClient } from '../lib/okta/client.js';
import { withoutLinks } from '../lib/okta/objects.js';
import { runOnce } from '../lib/actions/idempotent-run.js';

type Input = ActionInput<'create-user'>;

export const handler = actionHandler('create-user', async (input, okta, { deadline, connection }) => {
  const { idempotencyKey, connection: _named, ...request } = input;
  const create = () => createUser(request, okta, deadline);
  if (idempotencyKey === undefined) return create();
  return runOnce({ action: 'create-user', connection, idempotencyKey, request, deadline, run: create });
});

async function createUser(input: Input, okta: OktaClient, deadline: number): Promise<unknown> {
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
}
