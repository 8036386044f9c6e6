import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { callOf } from '../../../../../functions/lib/actions/pipeline/action-call.js';
import { actionContextOf, oktaConnection } from '../../../../../functions/lib/actions/pipeline/okta-connection.js';
import { answerMarginMs, noContextAllowanceMs } from '../../../../../functions/lib/lambda-time.js';
import { CONNECTION_TOKEN, fakeLogger, lambdaContext, openedRequest, stubClient } from './middy-request.js';

function setUp() {
  const client = stubClient('acme');
  const getClient = vi.fn(() => Promise.resolve(client));
  const logger = fakeLogger();
  return { client, getClient, logger, middleware: oktaConnection({ oktaClient: getClient, logger }) };
}

describe('oktaConnection', () => {
  it("loads the client of the input's connection and adds its secrets to those the log line blanks", async () => {
    const { client, getClient, middleware } = setUp();
    const request = openedRequest({ userId: '00u1', connection: 'acme' });
    callOf(request).secrets = ['input-secret'];
    await middleware.before!(request);
    expect(getClient).toHaveBeenCalledWith('acme');
    expect(callOf(request).okta).toBe(client);
    expect(callOf(request).secrets).toEqual(['input-secret', CONNECTION_TOKEN]);
    // A vi.fn spy, checked by vitest, never called through the reference.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    expect(client.resetStats).toHaveBeenCalledOnce();
  });

  it('gives the body a copy of the context with the client and a deadline of the remaining time less the margin', async () => {
    const { client, logger, middleware } = setUp();
    const request = openedRequest({ userId: '00u1' }, lambdaContext, 50_000);
    callOf(request).connection = 'acme';
    await middleware.before!(request);
    const { okta, action, awsRequestId } = actionContextOf(request.context);
    expect(okta).toBe(client);
    expect(action).toEqual({ deadline: 50_000 + 10_000 - answerMarginMs.action, connection: 'acme', logger });
    expect(awsRequestId).toBe('aws-req-1');
    expect(lambdaContext).not.toHaveProperty('okta');
  });

  it('allows an action 30 s when invoked with no Lambda context (middy passes an empty one)', async () => {
    const { middleware } = setUp();
    const request = openedRequest({ userId: '00u1' }, {} as Context, Date.now());
    await middleware.before!(request);
    const { deadline } = actionContextOf(request.context).action;
    expect(noContextAllowanceMs.action).toBe(30_000);
    expect(deadline - callOf(request).started).toBeLessThanOrEqual(30_000 - answerMarginMs.action);
    expect(deadline - callOf(request).started).toBeGreaterThan(30_000 - answerMarginMs.action - 1_000);
  });

  it('tells a body run without the connection step that the pipeline is miswired', () => {
    expect(() => actionContextOf(lambdaContext)).toThrow('the connection step has not run');
  });
});
