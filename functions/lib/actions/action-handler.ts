/**
 * The pipeline every action shares (docs/CONTRACT.md §2), as middy middlewares in `pipeline/`, each one step:
 *
 * 1. `callRecord`: opens the call; at its end writes one log line and one metric record;
 * 2. `typedAnswer`: shapes the answer for the invocation (HTTP status and body, or the output / a typed error);
 * 3. `actionInput`: reads the invocation, fixes its connection scope, validates the input against the catalog;
 * 4. `oktaConnection`: loads the connection's Okta client and sets the action's deadline.
 *
 * The handler body is only the action's `run`. middy runs `before` in that order and `after`/`onError` in the
 * reverse one, so the answer is shaped (or the error typed) before the record is written.
 */
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { findAction, type ActionInput, type ActionName } from '../../catalog.js';
import { answerMarginMs } from '../lambda-time.js';
import { logger as sharedLogger, metrics as sharedMetrics } from '../observability.js';
import { oktaClient } from '../okta/client-cache.js';
import type { OktaClient } from '../okta/client.js';
import { actionInput } from './pipeline/action-input.js';
import type { ActionContext, ActionInternal } from './pipeline/action-call.js';
import { callRecord } from './pipeline/call-record.js';
import { actionContextOf, oktaConnection } from './pipeline/okta-connection.js';
import { typedAnswer } from './pipeline/typed-answer.js';

export type { ActionContext } from './pipeline/action-call.js';

export type ActionRun<I, O> = (input: I, okta: OktaClient, ctx: ActionContext) => Promise<O>;

export interface ActionHandlerDeps {
  oktaClient?: (connectionName?: string) => Promise<OktaClient>;
  logger?: Logger;
  metrics?: Metrics;
  now?: () => number;
}

/** The Lambda handler: `(event, context) => output | HTTP response`. */
export type ActionHandler = MiddyfiedHandler<unknown, unknown, Error, Context, ActionInternal>;

/** Time kept back from the Lambda's remaining time to answer (log, metric, HTTP body) after the last Okta call. */
export const DEADLINE_MARGIN_MS = answerMarginMs.action;

/**
 * Builds the handler of the catalog action `name`, whose `run` gets the input its catalog schema describes
 * (`ActionInput<name>`); throws at load when the catalog has no such action.
 */
export function actionHandler<N extends ActionName, O>(
  name: N,
  run: ActionRun<ActionInput<N>, O>,
  deps: ActionHandlerDeps = {},
): ActionHandler {
  const spec = findAction(name);
  if (!spec) throw new Error(`actionHandler: "${name}" is not an action of the catalog`);
  const logger = deps.logger ?? sharedLogger;

  // middy's own early timeout is off: the deadline given to the Okta client already ends the work in time.
  return middy<unknown, unknown, Error, Context, ActionInternal>({ timeoutEarlyInMillis: 0 })
    .use(callRecord({ action: name, logger, metrics: deps.metrics ?? sharedMetrics, now: deps.now ?? Date.now }))
    .use(typedAnswer())
    .use(actionInput(spec))
    .use(oktaConnection({ oktaClient: deps.oktaClient ?? oktaClient, logger }))
    .handler(async (input, context) => {
      const { okta, action } = actionContextOf(context);
      // The input step validated the event against this action's schema: it is an ActionInput<N>.
      return run(input as ActionInput<N>, okta, action);
    });
}
