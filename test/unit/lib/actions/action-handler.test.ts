import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { match } from '../../../support/match.js';
import { actionHandler, DEADLINE_MARGIN_MS, type ActionRun } from '../../../../functions/lib/actions/action-handler.js';
import { OktaNotFound, OktaRateLimited } from '../../../../functions/lib/errors.js';
import { createLogger, createMetrics } from '../../../../functions/lib/observability.js';
import type { OktaClient } from '../../../../functions/lib/okta/client.js';

const SECRET_TOKEN = 'ssws-00aVerySecretTokenValue';

function stubClient(): OktaClient {
  return {
    connection: { name: 'default', baseUrl: 'https://acme.okta.com', auth: { type: 'api-token', token: SECRET_TOKEN } },
    request: vi.fn(),
    pages: vi.fn(),
    list: vi.fn(),
    rateLimit: () => undefined,
    stats: () => ({ requests: 2, retries: 1, requestIds: ['reqA', 'reqB'] }),
    resetStats: vi.fn(),
  } as unknown as OktaClient;
}

const context = { awsRequestId: 'aws-req-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function restEvent(body: string | null, isBase64Encoded = false) {
  return {
    httpMethod: 'POST',
    path: '/actions/create-user',
    resource: '/actions/{name}',
    requestContext: { stage: 'prod' },
    headers: {},
    body,
    isBase64Encoded,
  };
}

function httpApiEvent(body: string, isBase64Encoded = false) {
  return {
    version: '2.0',
    rawPath: '/actions/create-user',
    requestContext: { http: { method: 'POST' } },
    headers: {},
    body,
    isBase64Encoded,
  };
}

const validInput = {
  profile: { login: 'a@example.com', email: 'a@example.com', firstName: 'A', lastName: 'B' },
  password: 'Hunter2-password-value',
  recoveryQuestion: { question: 'Colour?', answer: 'blue-answer-value' },
};

let output: string[];
beforeEach(() => {
  output = [];
  // Powertools writes info lines and EMF to stdout, warnings and errors to stderr.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
  }
});
afterEach(() => vi.restoreAllMocks());

function build<O>(run: ActionRun<Record<string, unknown>, O>, client = stubClient()) {
  const getClient = vi.fn(() => Promise.resolve(client));
  const handler = actionHandler('create-user', run, {
    oktaClient: getClient,
    logger: createLogger('test'),
    metrics: createMetrics('test'),
  });
  return { handler, getClient, client };
}

function logLines(): Record<string, unknown>[] {
  return output
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{') && !l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function metricLines(): Record<string, unknown>[] {
  return output
    .join('')
    .split('\n')
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The body of an action's error answer. */
type ErrorAnswer = { error: { type: string; message: string } };

describe('actionHandler', () => {
  it('throws at load for a name that is not in the catalog', () => {
    // @ts-expect-error: the name is checked against the catalog's ActionName at compile time too
    expect(() => actionHandler('no-such-action', () => Promise.resolve({}))).toThrow(
      '"no-such-action" is not an action of the catalog',
    );
  });

  it('answers a REST event with 200 and the JSON output', async () => {
    const { handler } = build(() => Promise.resolve({ id: '00u1' }));
    const response = await handler(restEvent(JSON.stringify(validInput)), context);
    expect(response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"id":"00u1"}',
    });
  });

  it('reads a base64 body of an HTTP API event', async () => {
    const { handler } = build((input) => Promise.resolve({ login: (input.profile as Record<string, unknown>).login }));
    const body = Buffer.from(JSON.stringify(validInput)).toString('base64');
    const response = await handler(httpApiEvent(body, true), context);
    expect(response).toMatchObject({ statusCode: 200, body: '{"login":"a@example.com"}' });
  });

  it('returns the output itself on direct invoke, with defaults applied to the input', async () => {
    const { handler } = build((input) => Promise.resolve({ activate: input.activate }));
    await expect(handler(validInput, context)).resolves.toEqual({ activate: true });
  });

  it('loads the connection named by the input', async () => {
    const { handler, getClient } = build(() => Promise.resolve({}));
    await handler({ ...validInput, connection: 'acme' }, context);
    expect(getClient).toHaveBeenCalledWith('acme');
  });

  it('gives the action a deadline of the remaining time minus the safety margin', async () => {
    let deadline = 0;
    const { handler } = build((_input, _okta, ctx) => {
      deadline = ctx.deadline;
      return Promise.resolve({});
    });
    const before = Date.now();
    await handler(validInput, context);
    expect(deadline).toBeGreaterThanOrEqual(before + 10_000 - DEADLINE_MARGIN_MS);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 10_000 - DEADLINE_MARGIN_MS);
  });

  it('answers a malformed JSON body with 400 InvalidInput', async () => {
    const { handler, getClient } = build(() => Promise.resolve({}));
    const response = (await handler(restEvent('{"profile":'), context)) as { statusCode: number; body: string };
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      error: { type: 'InvalidInput', message: 'the request body is not valid JSON' },
    });
    expect(getClient).not.toHaveBeenCalled();
  });

  it('answers an invalid input with 400 naming each bad field', async () => {
    const { handler } = build(() => Promise.resolve({}));
    const response = (await handler(httpApiEvent(JSON.stringify({ profile: { login: 'a' }, extra: 1 })), context)) as {
      statusCode: number;
      body: string;
    };
    expect(response.statusCode).toBe(400);
    expect((JSON.parse(response.body) as ErrorAnswer).error.message).toBe(
      'profile.email: is required; profile.firstName: is required; profile.lastName: is required; extra: is not a known field',
    );
  });

  it('answers a typed error over HTTP with its status and the contract body', async () => {
    const { handler } = build(() =>
      Promise.reject(
        new OktaRateLimited('Okta rate limit exceeded', {
          oktaErrorCode: 'E0000047',
          oktaErrorId: 'oae1',
          retryAfterSeconds: 12,
        }),
      ),
    );
    const response = (await handler(restEvent(JSON.stringify(validInput)), context)) as {
      statusCode: number;
      body: string;
      headers: Record<string, string>;
    };
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('12');
    expect(JSON.parse(response.body)).toEqual({
      error: {
        type: 'OktaRateLimited',
        message: 'Okta rate limit exceeded',
        oktaErrorCode: 'E0000047',
        oktaErrorId: 'oae1',
        retryAfterSeconds: 12,
      },
    });
  });

  it('says retryAfterSeconds in the message on direct invoke, where Lambda keeps only errorType and errorMessage', async () => {
    const { handler } = build(() =>
      Promise.reject(
        new OktaRateLimited("Okta's rate limit for user-get is spent until the window resets", {
          retryAfterSeconds: 12,
        }),
      ),
    );
    const error = (await handler(validInput, context).catch((e: unknown) => e)) as Error & {
      retryAfterSeconds?: number;
    };
    expect(error.name).toBe('OktaRateLimited');
    expect(error.message).toBe(
      "Okta's rate limit for user-get is spent until the window resets (retryAfterSeconds: 12)",
    );
    expect(error.retryAfterSeconds).toBe(12);
  });

  it('throws a typed error on direct invoke whose name is the type, without stack frames or cause', async () => {
    const { handler } = build(() =>
      Promise.reject(
        new OktaNotFound('Not found: Resource not found: 00u1 (User)', {
          oktaErrorCode: 'E0000007',
          cause: new Error('inner'),
        }),
      ),
    );
    const error = (await handler(validInput, context).catch((e: unknown) => e)) as Error & { oktaErrorCode?: string };
    expect(error).toBeInstanceOf(OktaNotFound);
    expect(error.name).toBe('OktaNotFound');
    expect(error.message).toBe('Not found: Resource not found: 00u1 (User)');
    expect(error.oktaErrorCode).toBe('E0000007');
    expect(error.stack).toBe('OktaNotFound: Not found: Resource not found: 00u1 (User)');
    expect(error.cause).toBeUndefined();
  });

  it('turns an unexpected error into a generic InternalError that leaks nothing', async () => {
    const { handler } = build(() => Promise.reject(new Error(`boom with ${SECRET_TOKEN}`)));
    const response = (await handler(restEvent(JSON.stringify(validInput)), context)) as {
      statusCode: number;
      body: string;
    };
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain(SECRET_TOKEN);
    expect((JSON.parse(response.body) as ErrorAnswer).error.type).toBe('InternalError');
    const error = (await handler(validInput, context).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('InternalError');
    expect(error.message).not.toContain('boom');
  });

  it('writes one log line per call with action, connection, outcome, request ids, retries and latency', async () => {
    const { handler } = build(() => Promise.resolve({ id: '00u1' }));
    await handler({ ...validInput, connection: 'acme' }, context);
    const lines = logLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      message: 'action succeeded',
      action: 'create-user',
      connection: 'acme',
      invocation: 'direct',
      outcome: 'success',
      oktaRequestIds: ['reqA', 'reqB'],
      oktaRequests: 2,
      retries: 1,
      awsRequestId: 'aws-req-1',
    });
    expect(typeof lines[0]!.latencyMs).toBe('number');
  });

  it('logs the error type of a failed call', async () => {
    const { handler } = build(() => Promise.reject(new OktaNotFound('no such user', { oktaErrorCode: 'E0000007' })));
    await handler(restEvent(JSON.stringify(validInput)), context);
    expect(logLines()).toEqual([
      match.objectContaining({
        outcome: 'failure',
        errorType: 'OktaNotFound',
        oktaErrorCode: 'E0000007',
        httpStatus: 404,
      }),
    ]);
  });

  it('never logs a password, token, secret or recovery answer, even in an unexpected error', async () => {
    const { handler } = build((input) =>
      Promise.reject(
        new Error(`failed for ${String(input.password)} with SSWS ${SECRET_TOKEN}`, {
          cause: { token: SECRET_TOKEN, answer: 'blue-answer-value' },
        }),
      ),
    );
    await handler(restEvent(JSON.stringify(validInput)), context);
    await handler(validInput, context).catch(() => undefined);
    const all = output.join('');
    expect(logLines()).toHaveLength(2);
    expect(all).not.toContain(SECRET_TOKEN);
    expect(all).not.toContain('blue-answer-value');
    expect(all).not.toContain('Hunter2-password-value');
  });

  it('emits ActionSucceeded and ActionLatency by action in the OktaConnector namespace', async () => {
    const { handler } = build(() => Promise.resolve({}));
    await handler(validInput, context);
    const [metric] = metricLines();
    expect(metric).toMatchObject({ action: 'create-user', ActionSucceeded: 1 });
    expect(JSON.stringify(metric)).toContain('"Namespace":"OktaConnector"');
    expect(typeof metric!.ActionLatency).toBe('number');
  });

  it('emits ActionFailed by action and error type', async () => {
    const { handler } = build(() => Promise.resolve({}));
    await handler(restEvent('not json'), context);
    expect(metricLines()).toEqual([
      match.objectContaining({ action: 'create-user', errorType: 'InvalidInput', ActionFailed: 1 }),
    ]);
  });

  it('refuses userId "me" in an action that changes a user, before any Okta call', async () => {
    const run = vi.fn(() => Promise.resolve({ userId: 'me' }));
    const getClient = vi.fn(() => Promise.resolve(stubClient()));
    const handler = actionHandler('reset-password', run, { oktaClient: getClient, logger: createLogger('test') });
    for (const userId of ['me', 'ME', ' me ']) {
      await expect(handler({ userId, sendEmail: false }, context)).rejects.toMatchObject({
        name: 'InvalidInput',
        message: match.stringMatching(/^userId: .*"me"/),
      });
    }
    expect(run).not.toHaveBeenCalled();
    expect(getClient).not.toHaveBeenCalled();
  });

  it('still lets a read-only action look up userId "me"', async () => {
    const handler = actionHandler('get-user', () => Promise.resolve({ id: '00uSelf' }), {
      oktaClient: () => Promise.resolve(stubClient()),
      logger: createLogger('test'),
      metrics: createMetrics('test'),
    });
    await expect(handler({ userId: 'me' }, context)).resolves.toEqual({ id: '00uSelf' });
  });

  it("blanks the connection's own secret values in the log line, under any key", async () => {
    const { handler } = build(() => Promise.reject(new Error(`upstream said: ${SECRET_TOKEN} is odd`)));
    await handler(restEvent(JSON.stringify(validInput)), context);
    expect(output.join('')).not.toContain(SECRET_TOKEN);
    expect(output.join('')).toContain('[REDACTED]');
  });
});
