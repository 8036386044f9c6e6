/**
 * What every action integration test shares: a simulated Okta org, the local AWS endpoints with the connection
 * secrets in the local Secrets Manager (read by the real SDK client), and `invoke`, which calls a handler in one
 * of the three shapes AWS uses and reduces the answer to `{status, body}` so one table covers all three.
 */
// First: the handlers' log lines and metrics are asserted in the unit tests; here they would bury the report.
import '../../support/quiet-env.js';
import type { Context } from 'aws-lambda';
import { expect } from 'vitest';
import type { LocalAws } from '../../../local/aws/index.js';
import type { OktaSim, StartOktaSimOptions } from '../../../local/okta-sim/index.js';
import { startWorld } from '../../support/world.js';
import { httpStatusOf, type ConnectorError, type ErrorType } from '../../../functions/lib/errors.js';

export const SHAPES = ['rest', 'http', 'direct'] as const;
export type Shape = (typeof SHAPES)[number];

export interface Harness {
  sim: OktaSim;
  aws: LocalAws;
  /** Creates a user through Okta's API, then puts it in `status`; returns its id. */
  userIn(status: string, extra?: { recoveryQuestion?: boolean }): Promise<string>;
  /** Calls Okta's API as the super admin (to set up or check state). */
  okta<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** Starts the org and the local AWS endpoints, and stores the connections `default` and `bad-token`. */
export async function startHarness(simOptions: StartOktaSimOptions = {}): Promise<Harness> {
  const world = await startWorld({
    sim: { seed: 'realistic', rateLimits: false, ...simOptions },
    connections: {
      default: {},
      'bad-token': { auth: { type: 'api-token', token: 'not-a-token-of-this-org' } },
    },
    env: { CONNECTION_CACHE_SECONDS: '0', DEFAULT_CONNECTION: undefined, CONNECTION_SECRET_PREFIX: undefined },
  });
  const { sim, aws } = world;
  const okta = world.admin.okta;

  let counter = 0;
  async function userIn(status: string, extra: { recoveryQuestion?: boolean } = {}): Promise<string> {
    counter += 1;
    const login = `harness.${counter}.${Math.random().toString(36).slice(2, 8)}@example.com`;
    const created = await okta<{ id: string }>('POST', '/api/v1/users?activate=true', {
      profile: { login, email: login, firstName: 'Test', lastName: `User${counter}` },
      credentials: {
        password: { value: 'Correct-Horse-9' },
        ...(extra.recoveryQuestion ? { recovery_question: { question: 'Colour?', answer: 'blue-ish' } } : {}),
      },
    });
    if (created.status !== 200) throw new Error(`could not create a test user: ${JSON.stringify(created.body)}`);
    if (status !== 'ACTIVE' && !sim.control.setUserStatus(created.body.id, status as never)) {
      throw new Error(`could not set the test user to ${status}`);
    }
    return created.body.id;
  }

  return {
    sim,
    aws,
    okta,
    userIn,
    close: world.close,
  };
}

export const lambdaContext = {
  awsRequestId: 'test-request',
  functionName: 'okta-connector-action',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/** A context whose Lambda has little time left, so the client's retry budget is short. */
export function contextWithRemaining(ms: number): Context {
  return { ...lambdaContext, getRemainingTimeInMillis: () => ms };
}

export interface Outcome {
  status: number;
  /** The output on success; the `error` object on failure. */
  body: Record<string, unknown>;
  /** The error type: from the HTTP body, or the thrown error's `name` on direct invoke. */
  type?: ErrorType;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** Calls the handler as API Gateway REST, HTTP API or a direct invoke (Step Functions) would. */
export async function invoke(
  handler: Handler,
  name: string,
  input: unknown,
  shape: Shape,
  context = lambdaContext,
): Promise<Outcome> {
  const body = JSON.stringify(input);
  if (shape === 'direct') {
    try {
      return { status: 200, body: (await handler(structuredClone(input), context)) as Record<string, unknown> };
    } catch (error) {
      const e = error as Error;
      expect(e).toBeInstanceOf(Error);
      // What Step Functions matches on: the error's name, and no stack frames in what the caller gets.
      expect(e.stack).toBe(`${e.name}: ${e.message}`);
      const type = e.name as ErrorType;
      // The thrown error keeps what the HTTP body shows (Okta's code, error id, causes).
      return {
        status: httpStatusOf[type],
        type,
        body: (error as ConnectorError).toBody().error as unknown as Record<string, unknown>,
      };
    }
  }
  const event =
    shape === 'rest'
      ? {
          resource: '/actions/{name}',
          path: `/actions/${name}`,
          httpMethod: 'POST',
          headers: { 'content-type': 'application/json' },
          pathParameters: { name },
          requestContext: { resourcePath: '/actions/{name}', httpMethod: 'POST', stage: 'prod' },
          body,
          isBase64Encoded: false,
        }
      : {
          version: '2.0',
          routeKey: `POST /actions/${name}`,
          rawPath: `/actions/${name}`,
          rawQueryString: '',
          headers: { 'content-type': 'application/json' },
          requestContext: { http: { method: 'POST', path: `/actions/${name}` }, stage: '$default' },
          body: Buffer.from(body).toString('base64'),
          isBase64Encoded: true,
        };
  const response = (await handler(event, context)) as {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
  };
  expect(response.headers['content-type']).toBe('application/json');
  const parsed = JSON.parse(response.body) as Record<string, unknown>;
  if (response.statusCode === 200) return { status: 200, body: parsed };
  const error = parsed.error as Record<string, unknown>;
  return { status: response.statusCode, type: error.type as ErrorType, body: error };
}
