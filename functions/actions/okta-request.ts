/**
 * `okta-request`: any call of Okta's management or org OAuth API, sent to the connection's own org with its
 * sign-in, the client's rate-limit budget, retries and error mapping. Only a GET is sent again after a 5xx, a
 * timeout or a reset: Okta may have acted on a write it did not answer (a DELETE of a user deactivates first, then
 * deletes), so writes are retried only when Okta refused them (429) or never got them. With an `idempotencyKey` a
 * write is sent once per key: a retry of the action gets the first answer.
 */
import { actionHandler } from '../lib/actions/action-handler.js';
import type { ActionInput } from '../catalog.js';
import { InvalidInput } from '../lib/errors.js';
import { oktaApiPath } from '../lib/okta/api-path.js';
import type { OktaClient, OktaRequest } from '../lib/okta/types.js';
import { runOnce } from '../lib/actions/idempotent-run.js';

type Input = ActionInput<'okta-request'>;

export const handler = actionHandler('okta-request', async (input, okta, { deadline, connection }) => {
  const { idempotencyKey, connection: _named, ...request } = input;
  // A read needs no key; a write with one is sent once per key (idempotent-run.ts).
  if (idempotencyKey === undefined || input.method === 'GET') return send(request, okta, deadline);
  return runOnce({
    action: 'okta-request',
    connection,
    idempotencyKey,
    request,
    deadline,
    run: () => send(request, okta, deadline),
  });
});

async function send(input: Input, okta: OktaClient, deadline: number): Promise<unknown> {
  const path = oktaApiPath(input.path);
  for (const [name, value] of Object.entries(input.query ?? {})) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw new InvalidInput([{ field: `query.${name}`, problem: 'must be a string, number or boolean' }]);
    }
  }
  const query = { ...input.query, ...(input.after === undefined ? {} : { after: input.after }) };
  const request: OktaRequest = {
    method: input.method,
    path,
    query,
    ...(input.body === undefined ? {} : { body: input.body }),
    idempotent: input.method === 'GET',
  };
  if (input.paginate) {
    if (input.method !== 'GET') throw new InvalidInput([{ field: 'paginate', problem: 'needs method GET' }]);
    return okta.list(request, { deadline, limit: input.limit });
  }
  if (input.limit !== undefined) throw new InvalidInput([{ field: 'limit', problem: 'needs paginate: true' }]);
  const response = await okta.request(request, { deadline });
  return { status: response.status, body: response.body ?? null };
}
