import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { match } from '../../../../support/match.js';
import { callOf, type ActionRequest } from '../../../../../functions/lib/actions/pipeline/action-call.js';
import { callRecord } from '../../../../../functions/lib/actions/pipeline/call-record.js';
import { OktaNotFound } from '../../../../../functions/lib/errors.js';
import { fakeLogger, lambdaContext, restEvent, stubClient } from './middy-request.js';

function fakeMetrics() {
  return { addDimensions: vi.fn(), addMetric: vi.fn(), publishStoredMetrics: vi.fn() };
}

function setUp(clock: number[]) {
  const logger = fakeLogger();
  const metrics = fakeMetrics();
  const middleware = callRecord({
    action: 'get-user',
    logger,
    metrics: metrics as unknown as Metrics,
    now: () => clock.shift() ?? 0,
  });
  const request: ActionRequest = {
    event: restEvent({ userId: '00u1' }),
    context: lambdaContext,
    response: undefined,
    error: null,
    internal: {},
  };
  return { logger, metrics, middleware, request };
}

describe('callRecord', () => {
  it('opens the call before any other step: its start time and the invocation shape', async () => {
    const { middleware, request } = setUp([1_000]);
    await middleware.before!(request);
    expect(callOf(request)).toMatchObject({ started: 1_000, shape: 'rest', secrets: [] });
  });

  it('writes one success line with the connection, the Okta request ids and the latency, and its metrics', async () => {
    const { logger, metrics, middleware, request } = setUp([1_000, 1_250]);
    await middleware.before!(request);
    Object.assign(callOf(request), { connection: 'acme', okta: stubClient('acme') });
    await middleware.after!(request);
    // A vi.fn spy, checked by vitest, never called through the reference.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    expect(logger.info).toHaveBeenCalledWith(
      'action succeeded',
      match.objectContaining({
        action: 'get-user',
        connection: 'acme',
        invocation: 'rest',
        outcome: 'success',
        oktaRequestIds: ['req1'],
        latencyMs: 250,
        awsRequestId: 'aws-req-1',
      }),
    );
    expect(metrics.addMetric).toHaveBeenCalledWith('ActionSucceeded', 'Count', 1);
  });

  it('writes the failure line with the typed error the answer step left on the call', async () => {
    const { logger, metrics, middleware, request } = setUp([1_000, 1_010]);
    await middleware.before!(request);
    callOf(request).error = new OktaNotFound('no such user', { oktaErrorCode: 'E0000007' });
    await middleware.onError!(request);
    // A vi.fn spy, checked by vitest, never called through the reference.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    expect(logger.warn).toHaveBeenCalledWith(
      'action failed',
      match.objectContaining({ outcome: 'failure', errorType: 'OktaNotFound', httpStatus: 404, latencyMs: 10 }),
    );
    expect(metrics.addDimensions).toHaveBeenCalledWith({ action: 'get-user', errorType: 'OktaNotFound' });
  });

  it('refuses to run a step on a call it has not opened (it must be the first middleware)', () => {
    const { request } = setUp([]);
    expect(() => callOf(request)).toThrow('the call record must be the first middleware');
  });
});
