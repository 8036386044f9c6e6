/**
 * The call record step: it opens the call (its clock and invocation shape) before anything else, and writes the
 * call's one log line and metric record (action-record.ts) when it ends, after the answer is shaped (`after`) or
 * the error typed (`onError`).
 */
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { recordCall } from '../action-record.js';
import { callOf, openCall, type ActionInternal, type ActionRequest } from './action-call.js';

export interface CallRecordOptions {
  action: string;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
}

/** The middleware; use it first, so its `after` and `onError` run last. */
export function callRecord(
  options: CallRecordOptions,
): MiddlewareObj<unknown, unknown, Error, Context, ActionInternal> {
  const { action, logger, metrics, now } = options;
  const write = (request: ActionRequest) => {
    const call = callOf(request);
    recordCall({
      logger,
      metrics,
      action,
      shape: call.shape,
      connection: call.connection,
      okta: call.okta,
      latencyMs: now() - call.started,
      context: request.context,
      ...(call.error ? { error: call.error, thrown: call.thrown, secrets: call.secrets } : {}),
    });
  };
  return {
    name: 'callRecord',
    before: (request) => {
      openCall(request, now());
    },
    after: write,
    onError: write,
  };
}
