import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { actionHandler } from '../../../../functions/lib/actions/action-handler.js';
import { scopedInput } from '../../../../functions/lib/actions/connection-scope.js';
import { resetConfig } from '../../../../functions/lib/config.js';
import { createLogger, createMetrics } from '../../../../functions/lib/observability.js';
import type { OktaClient } from '../../../../functions/lib/okta/client.js';

// Issue 14 item 2: IAM cannot read a body, so the connection a path or a pinned function names is the call's.

const context = { awsRequestId: 'r1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function client(name: string): OktaClient {
  return {
    connection: { name, baseUrl: `https://${name}.okta.com`, auth: { type: 'api-token', token: 'ssws-token-value' } },
    resetStats: vi.fn(),
    stats: () => ({ requests: 1, retries: 0, requestIds: [] }),
    rateLimit: () => undefined,
  } as unknown as OktaClient;
}

function build() {
  const getClient = vi.fn((name?: string) => Promise.resolve(client(name ?? 'default')));
  const handler = actionHandler(
    'get-user',
    (input: { userId: string }, okta) => Promise.resolve({ org: okta.connection.name }),
    {
      oktaClient: getClient,
      logger: createLogger('test'),
      metrics: createMetrics('test'),
    },
  );
  return { handler, getClient };
}

/** The REST proxy event of `POST /connections/{connection}/actions/get-user`. */
function perConnectionEvent(connection: string, body: object) {
  return {
    httpMethod: 'POST',
    resource: '/connections/{connection}/actions/get-user',
    path: `/connections/${connection}/actions/get-user`,
    pathParameters: { connection },
    requestContext: { stage: 'v1' },
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
  resetConfig();
  vi.restoreAllMocks();
});

function quiet() {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
}

describe('the per-connection route', () => {
  it('runs against the connection the path names', async () => {
    quiet();
    const { handler, getClient } = build();
    const response = await handler(perConnectionEvent('acme', { userId: '00u1' }), context);
    expect(response).toMatchObject({ statusCode: 200, body: '{"org":"acme"}' });
    expect(getClient).toHaveBeenCalledWith('acme');
  });

  it('accepts a body that names the same connection', async () => {
    quiet();
    const { handler } = build();
    const response = await handler(perConnectionEvent('acme', { userId: '00u1', connection: 'acme' }), context);
    expect(response).toMatchObject({ statusCode: 200 });
  });

  it('refuses a body naming another connection with InvalidInput 400, before any sign-in', async () => {
    quiet();
    const { handler, getClient } = build();
    const response = (await handler(perConnectionEvent('acme', { userId: '00u1', connection: 'prod' }), context)) as {
      statusCode: number;
      body: string;
    };
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({
      error: { type: 'InvalidInput', message: 'connection: must be "acme", the connection the path names' },
    });
    expect(getClient).not.toHaveBeenCalled();
  });

  it('refuses a path connection that is not a connection name', async () => {
    quiet();
    const { handler, getClient } = build();
    const response = (await handler(perConnectionEvent('a b', { userId: '00u1' }), context)) as { statusCode: number };
    expect(response.statusCode).toBe(400);
    expect(getClient).not.toHaveBeenCalled();
  });

  it('decodes a percent-encoded connection in the path', async () => {
    quiet();
    const { handler, getClient } = build();
    await handler(perConnectionEvent('ops%40acme', { userId: '00u1' }), context);
    expect(getClient).toHaveBeenCalledWith('ops@acme');
  });
});

describe('a function pinned to one connection (PINNED_CONNECTION)', () => {
  it('runs a direct invoke without a connection against the pinned one', async () => {
    quiet();
    vi.stubEnv('PINNED_CONNECTION', 'prod');
    resetConfig();
    const { handler, getClient } = build();
    await expect(handler({ userId: '00u1' }, context)).resolves.toEqual({ org: 'prod' });
    expect(getClient).toHaveBeenCalledWith('prod');
  });

  it('refuses a direct invoke naming another connection, as a thrown InvalidInput', async () => {
    quiet();
    vi.stubEnv('PINNED_CONNECTION', 'prod');
    resetConfig();
    const { handler, getClient } = build();
    await expect(handler({ userId: '00u1', connection: 'acme' }, context)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: 'connection: must be "prod", the connection this function is pinned to',
    });
    expect(getClient).not.toHaveBeenCalled();
  });

  it('refuses a per-connection path naming another connection than the pinned one', () => {
    expect(() => scopedInput({}, { path: 'acme', pinned: 'prod' })).toThrow(
      'connection: this function serves only "prod"; the path names "acme"',
    );
  });
});

describe('without a path or a pin', () => {
  it('leaves the input as it came, its connection included', () => {
    expect(scopedInput({ userId: '00u1', connection: 'acme' }, {})).toEqual({ userId: '00u1', connection: 'acme' });
  });

  it('leaves an input that is not an object to the validator', () => {
    expect(scopedInput([1], { path: 'acme' })).toEqual([1]);
  });
});
