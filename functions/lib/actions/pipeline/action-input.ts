/**
 * The input step: reads the input out of the invocation (REST, HTTP API or direct), fixes its connection when the
 * route or the function names one (connection-scope.ts), validates it against the catalog's schema (defaults
 * applied) and refuses `userId: "me"` where it would change a user. The validated input becomes the event the
 * handler body gets; the input's secret values are kept for the log line's redaction.
 */
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ActionSpec } from '../../../catalog.js';
import { config } from '../../config.js';
import { InvalidInput } from '../../errors.js';
import { secretValuesOf } from '../../observability.js';
import { pathConnection, readInput } from '../api-events.js';
import { scopedInput } from '../connection-scope.js';
import { validateInput } from '../validate-input.js';
import { callOf, type ActionInternal } from './action-call.js';

/** The middleware for the catalog action `spec`. */
export function actionInput(spec: ActionSpec): MiddlewareObj<unknown, unknown, Error, Context, ActionInternal> {
  return {
    name: 'actionInput',
    before: (request) => {
      const call = callOf(request);
      const { defaultConnection, pinnedConnection } = config();
      const scope = { path: pathConnection(request.event, call.shape), pinned: pinnedConnection };
      const input = validateInput<{ connection?: string }>(
        spec.input,
        scopedInput(readInput(request.event, call.shape), scope),
      );
      call.secrets = secretValuesOf(input);
      refuseSelf(spec, input);
      call.connection = input.connection ?? defaultConnection;
      request.event = input;
    },
  };
}

/**
 * Okta reads the user id `me` as the caller itself: the connector's own admin account. An action that changes a
 * user (one that needs a `.manage` scope) never aims at it, so `reset-password {"userId":"me"}` cannot hand out a
 * reset link for the connector's super admin. Here, not in each schema, so every action the catalog gains has it.
 */
function refuseSelf(spec: ActionSpec, input: object): void {
  const userId = (input as { userId?: unknown }).userId;
  const changes = spec.scopes.some((scope) => scope.endsWith('.manage'));
  if (changes && typeof userId === 'string' && userId.trim().toLowerCase() === 'me') {
    throw new InvalidInput([
      { field: 'userId', problem: 'must name a user; "me" (the connector\'s own account) is refused' },
    ]);
  }
}
