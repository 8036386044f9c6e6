/**
 * The pipeline every action shares (docs/CONTRACT.md §2): read the invocation (REST, HTTP API or direct), validate
 * the input against the catalog, load the connection's Okta client, run the action within the Lambda's remaining
 * time, and answer: over HTTP with 200 or the error's status and `{"error": {...}}`; on direct invoke with the
 * output, or a thrown error whose `name` is the CONTRACT type (what a Step Functions `Retry`/`Catch` matches).
 * Each call writes one log line and one metric record.
 */
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { findAction, type ActionSpec } from '../../catalog.js';
import { httpErrorResponse, httpResponse, invocationShape, pathConnection, readInput } from './api-events.js';
import { scopedInput } from './connection-scope.js';
import { config } from '../config.js';
import { InvalidInput, OktaUnavailable, toConnectorError, type ConnectorError } from '../errors.js';
import { logger as sharedLogger, metrics as sharedMetrics, secretValuesOf } from '../observability.js';
import { oktaClient } from '../okta/client-cache.js';
import type { OktaClient } from '../okta/client.js';
import { recordCall } from './action-record.js';
import { validateInput } from './validate-input.js';

/** What an action's `run` gets besides its input and client. */
export interface ActionContext {
  /** Epoch ms by which the action must be done (the Lambda's remaining time minus a safety margin). */
  deadline: number;
  /** The connection the call runs against. */
  connection: string;
  logger: Logger;
}

export type ActionRun<I, O> = (input: I, okta: OktaClient, ctx: ActionContext) => Promise<O>;

export interface ActionHandlerDeps {
  oktaClient?: (connectionName?: string) => Promise<OktaClient>;
  logger?: Logger;
  metrics?: Metrics;
  now?: () => number;
}

/** The Lambda handler: `(event, context) => output | HTTP response`. */
export type ActionHandler = MiddyfiedHandler<unknown, unknown, Error, Context>;

/** Time kept back from the Lambda's remaining time to answer (log, metric, HTTP body) after the last Okta call. */
export const DEADLINE_MARGIN_MS = 1_000;
/** The budget when there is no Lambda context (a local run without one). */
const DEFAULT_BUDGET_MS = 30_000;

/** Builds the handler of the catalog action `name`; throws at load when the catalog has no such action. */
export function actionHandler<I, O>(name: string, run: ActionRun<I, O>, deps: ActionHandlerDeps = {}): ActionHandler {
  const spec = findAction(name);
  if (!spec) throw new Error(`actionHandler: "${name}" is not an action of the catalog`);
  const getClient = deps.oktaClient ?? oktaClient;
  const logger = deps.logger ?? sharedLogger;
  const metrics = deps.metrics ?? sharedMetrics;
  const now = deps.now ?? Date.now;

  async function handle(event: unknown, context: Context): Promise<unknown> {
    const started = now();
    const shape = invocationShape(event);
    let connection: string | undefined;
    let okta: OktaClient | undefined;
    let secrets: string[] = [];
    try {
      const scope = { path: pathConnection(event, shape), pinned: config().pinnedConnection };
      const input = validateInput<I & { connection?: string }>(
        spec!.input,
        scopedInput(readInput(event, shape), scope),
      );
      secrets = secretValuesOf(input);
      refuseSelf(spec!, input);
      connection = input.connection ?? config().defaultConnection;
      okta = await getClient(input.connection);
      // The connection's own secrets (token, key, refresh token) are blanked wherever they appear in the log line.
      secrets = [...secrets, ...secretValuesOf(okta.connection)];
      okta.resetStats();
      const deadline = deadlineOf(context, started);
      const output = await run(input, okta, { deadline, connection, logger });
      recordCall({ logger, metrics, action: name, shape, connection, okta, latencyMs: now() - started, context });
      return shape === 'direct' ? output : httpResponse(200, output);
    } catch (thrown) {
      const error = asConnectorError(thrown);
      recordCall({
        logger,
        metrics,
        action: name,
        shape,
        connection,
        okta,
        latencyMs: now() - started,
        context,
        error,
        thrown,
        secrets,
      });
      if (shape !== 'direct') return httpErrorResponse(error.httpStatus, error.toBody());
      throw callerError(error);
    }
  }

  // middy's own early timeout is off: the deadline given to the Okta client already ends the work in time.
  return middy<unknown, unknown, Error, Context>(handle, { timeoutEarlyInMillis: 0 });
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

function deadlineOf(context: Context | undefined, started: number): number {
  const remaining =
    typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : DEFAULT_BUDGET_MS;
  return started + Math.max(0, remaining - DEADLINE_MARGIN_MS);
}

function asConnectorError(thrown: unknown): ConnectorError {
  // An AbortSignal timeout that escaped the client still means Okta did not answer in time.
  if (thrown instanceof Error && thrown.name === 'TimeoutError') {
    return new OktaUnavailable('Okta did not answer before the action ran out of time', { cause: thrown });
  }
  return toConnectorError(thrown);
}

/**
 * The error a direct invoker sees: same type, name and message, without the stack (the Lambda runtime returns
 * `stack` as `trace`) and without the cause (which may hold internals; it is in the log line). Lambda's Node.js
 * runtime returns only `errorType` and `errorMessage` of a thrown error (a Step Functions `Catch` sees them as
 * `Error` and `Cause`), so a `retryAfterSeconds` is also said in the message, where such a caller can read it.
 */
function callerError(error: ConnectorError): ConnectorError {
  const clean = Object.create(Object.getPrototypeOf(error) as object) as ConnectorError;
  for (const key of Object.keys(error) as (keyof ConnectorError)[]) {
    if (key !== 'cause') Object.defineProperty(clean, key, { value: error[key], enumerable: true });
  }
  const message =
    error.retryAfterSeconds === undefined
      ? error.message
      : `${error.message} (retryAfterSeconds: ${error.retryAfterSeconds})`;
  Object.defineProperty(clean, 'message', { value: message, enumerable: false, writable: true });
  Object.defineProperty(clean, 'stack', {
    value: `${error.name}: ${message}`,
    enumerable: false,
    writable: true,
  });
  return clean;
}
