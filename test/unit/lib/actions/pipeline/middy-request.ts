/** What the pipeline's middleware tests share: a middy request as middy builds one, and its opened call. */
import type { Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { vi } from 'vitest';
import { openCall, type ActionRequest } from '../../../../../functions/lib/actions/pipeline/action-call.js';
import type { OktaClient } from '../../../../../functions/lib/okta/client.js';

export const lambdaContext = {
  awsRequestId: 'aws-req-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/** A request for `event`, its call opened at `started` (as the call record's `before` does first). */
export function openedRequest(event: unknown, context: Context = lambdaContext, started = Date.now()): ActionRequest {
  const request: ActionRequest = { event, context, response: undefined, error: null, internal: {} };
  openCall(request, started);
  return request;
}

/** The REST proxy event of a POST with this JSON body (and path parameters, for the per-connection route). */
export function restEvent(body: unknown, pathParameters?: Record<string, string>) {
  return {
    httpMethod: 'POST',
    requestContext: { stage: 'v1' },
    headers: {},
    body: JSON.stringify(body),
    isBase64Encoded: false,
    ...(pathParameters ? { pathParameters } : {}),
  };
}

export function fakeLogger() {
  return { info: vi.fn(), warn: vi.fn(), error: vi.fn() } as unknown as Logger & {
    info: ReturnType<typeof vi.fn>;
    warn: ReturnType<typeof vi.fn>;
    error: ReturnType<typeof vi.fn>;
  };
}

export const CONNECTION_TOKEN = 'ssws-00aConnectionTokenValue';

export function stubClient(name = 'default'): OktaClient {
  return {
    connection: { name, baseUrl: `https://${name}.okta.com`, auth: { type: 'api-token', token: CONNECTION_TOKEN } },
    resetStats: vi.fn(),
    stats: () => ({ requests: 1, retries: 0, requestIds: ['req1'] }),
    rateLimit: () => undefined,
  } as unknown as OktaClient;
}
