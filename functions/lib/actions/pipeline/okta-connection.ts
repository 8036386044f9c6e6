/**
 * The connection step: loads the Okta client of the call's connection (the input's `connection`, else the
 * deployment's default), adds the connection's own secrets to those the log line blanks, and gives the handler
 * body a copy of the Lambda context with the client and the action's deadline (lambda-time.ts). A copy, so two
 * calls that share a context object (tests, a local runner) never see each other's client.
 */
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { answerMarginMs, deadlineOf, noContextAllowanceMs, remainingTimeOf } from '../../lambda-time.js';
import { secretValuesOf } from '../../observability.js';
import type { OktaClient } from '../../okta/client.js';
import { callOf, type ActionInternal, type ActionLambdaContext } from './action-call.js';

export interface OktaConnectionOptions {
  oktaClient: (connectionName?: string) => Promise<OktaClient>;
  logger: Logger;
}

/** The middleware; use it after the input step, which names the connection. */
export function oktaConnection(
  options: OktaConnectionOptions,
): MiddlewareObj<unknown, unknown, Error, Context, ActionInternal> {
  return {
    name: 'oktaConnection',
    before: async (request) => {
      const call = callOf(request);
      const named = (request.event as { connection?: string }).connection;
      const okta = await options.oktaClient(named);
      call.okta = okta;
      call.secrets = [...call.secrets, ...secretValuesOf(okta.connection)];
      okta.resetStats();
      const remaining = remainingTimeOf(request.context, noContextAllowanceMs.action);
      const context: ActionLambdaContext = {
        ...request.context,
        okta,
        action: {
          deadline: deadlineOf(remaining, call.started, answerMarginMs.action),
          connection: call.connection ?? okta.connection.name,
          logger: options.logger,
        },
      };
      request.context = context;
    },
  };
}

/** The client and action context the connection step put on `context`. */
export function actionContextOf(context: Context): ActionLambdaContext {
  const extended = context as Partial<ActionLambdaContext>;
  if (!extended.okta || !extended.action) throw new Error('action pipeline: the connection step has not run');
  return extended as ActionLambdaContext;
}
