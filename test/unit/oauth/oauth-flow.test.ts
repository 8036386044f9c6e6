import { createHash } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDb } from '../../../functions/lib/aws-clients.js';
import { UnknownConnection } from '../../../functions/lib/errors.js';
import type { Connection } from '../../../functions/lib/connections.js';
import { callbackUrl, createAuthorizeHandler } from '../../../functions/oauth/authorize.js';
import { createCallbackHandler } from '../../../functions/oauth/callback.js';
import { json, scriptedFetch } from '../lib/okta/fake-okta.js';
import { startConnectorTable, TABLE_NAME } from './connector-table.js';

const CLIENT_SECRET = 'web-app-client-secret';
const NOW = Date.UTC(2026, 10, 29, 9, 0, 0);
const REDIRECT_URI = 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/oauth/callback';
const webConnection = (): Connection => ({
  name: 'acme',
  baseUrl: 'https://acme.okta.com',
  auth: {
    type: 'authorization-code',
    clientId: '0oaWeb',
    clientSecret: CLIENT_SECRET,
    scopes: ['okta.users.read', 'okta.groups.manage'],
  },
});

function event(
  path: string,
  query: Record<string, string>,
  headers: Record<string, string> = { Host: 'abc.execute-api.eu-west-1.amazonaws.com' },
): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path,
    headers,
    queryStringParameters: query,
    requestContext: { path: `/prod${path}`, stage: 'prod' },
  } as unknown as APIGatewayProxyEvent;
}

let table: { close(): Promise<void> };
beforeAll(async () => {
  table = await startConnectorTable();
});
afterAll(async () => {
  await table.close();
});

function authorize(options: { now?: number; load?: (name?: string) => Promise<Connection> } = {}) {
  return createAuthorizeHandler({
    loadConnection: options.load ?? (async () => webConnection()),
    tableName: () => TABLE_NAME,
    now: () => options.now ?? NOW,
    env: { OAUTH_REDIRECT_URI: REDIRECT_URI },
  });
}

async function startConsent(now = NOW) {
  const response = await authorize({ now })(event('/oauth/authorize', { connection: 'acme' }));
  return new URL(response.headers?.location as string);
}

describe('GET /oauth/authorize', () => {
  it("redirects to the org's authorize endpoint with PKCE, the scopes plus offline_access, and the callback URL", async () => {
    const location = await startConsent();
    expect(location.origin + location.pathname).toBe('https://acme.okta.com/oauth2/v1/authorize');
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: '0oaWeb',
      response_type: 'code',
      scope: 'okta.users.read okta.groups.manage offline_access',
      redirect_uri: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/oauth/callback',
      code_challenge_method: 'S256',
    });
    expect(location.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('keeps the state with the PKCE verifier in the table for ten minutes', async () => {
    const location = await startConsent();
    const item = await dynamoDb().send(
      new GetItemCommand({
        TableName: TABLE_NAME,
        Key: { pk: { S: `oauth-state#${location.searchParams.get('state')}` } },
      }),
    );
    expect(item.Item?.connection?.S).toBe('acme');
    expect(Number(item.Item?.expiresAt?.N)).toBe(NOW / 1000 + 600);
    expect(item.Item?.redirectUri?.S).toBe(location.searchParams.get('redirect_uri'));
    const challenge = createHash('sha256')
      .update(item.Item?.codeVerifier?.S ?? '')
      .digest('base64url');
    expect(location.searchParams.get('code_challenge')).toBe(challenge);
  });

  it('sends the OAUTH_REDIRECT_URI the stack set, whatever Host and X-Forwarded-Proto the request carries', async () => {
    const response = await authorize()(
      event('/oauth/authorize', { connection: 'acme' }, { host: 'attacker.example', 'X-Forwarded-Proto': 'http' }),
    );
    const location = new URL(response.headers?.location as string);
    expect(location.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
  });

  it('refuses to start without OAUTH_REDIRECT_URI (issue 14.15: never derived from the request)', () => {
    expect(() => callbackUrl({})).toThrow(/OAUTH_REDIRECT_URI/);
    expect(callbackUrl({ OAUTH_REDIRECT_URI: 'https://okta.example.com/oauth/callback' })).toBe(
      'https://okta.example.com/oauth/callback',
    );
  });

  it('answers a clear page for an unknown connection', async () => {
    const response = await authorize({
      load: async () => {
        throw new UnknownConnection('No connection "nope"');
      },
    })(event('/oauth/authorize', { connection: 'nope' }));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('No connection &quot;nope&quot;');
  });

  it('answers a 500 page without internals and logs the cause when the table cannot be written', async () => {
    const logged: unknown[] = [];
    const logger = {
      info: () => undefined,
      warn: () => undefined,
      error: (_message: string, extra: unknown) => {
        logged.push(extra);
      },
    };
    const handler = createAuthorizeHandler({
      loadConnection: async () => webConnection(),
      tableName: () => 'no-such-table',
      now: () => NOW,
      env: {},
      logger,
    });
    const response = await handler(event('/oauth/authorize', { connection: 'acme' }));
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('no-such-table');
    expect(response.body).not.toContain(CLIENT_SECRET);
    expect(logged).toHaveLength(1);
  });

  it('refuses a connection that does not sign in with authorization-code', async () => {
    const load = async (): Promise<Connection> => ({
      name: 'svc',
      baseUrl: 'https://acme.okta.com',
      auth: { type: 'api-token', token: 't' },
    });
    const response = await authorize({ load })(event('/oauth/authorize', { connection: 'svc' }));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('only authorization-code connections need a consent');
  });
});

describe('GET /oauth/callback', () => {
  function oktaTokenEndpoint(
    answer = json({
      token_type: 'Bearer',
      expires_in: 3600,
      access_token: 'at',
      refresh_token: 'first-refresh-token',
      scope: 'okta.users.read offline_access',
    }),
  ) {
    return scriptedFetch(answer);
  }

  function callback(fetch: typeof globalThis.fetch, saved: string[], now = NOW) {
    return createCallbackHandler({
      loadConnection: async () => webConnection(),
      saveRefreshToken: async (_c, token) => {
        saved.push(token);
      },
      tableName: () => TABLE_NAME,
      now: () => now,
      fetch,
    });
  }

  it('exchanges the code with the verifier and stores the refresh token', async () => {
    const location = await startConsent();
    const state = location.searchParams.get('state') ?? '';
    const { fetch, requests } = oktaTokenEndpoint();
    const saved: string[] = [];
    const response = await callback(fetch, saved)(event('/oauth/callback', { code: 'code-1', state }));
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Connection &quot;acme&quot; is ready');
    expect(saved).toEqual(['first-refresh-token']);
    const form = Object.fromEntries(new URLSearchParams(requests[0]?.body));
    expect(form).toMatchObject({
      grant_type: 'authorization_code',
      code: 'code-1',
      redirect_uri: location.searchParams.get('redirect_uri'),
    });
    expect(
      createHash('sha256')
        .update(form.code_verifier ?? '')
        .digest('base64url'),
    ).toBe(location.searchParams.get('code_challenge'));
    expect(requests[0]?.headers.authorization).toMatch(/^Basic /);
    expect(response.body).not.toContain('first-refresh-token');
  });

  it('accepts a state once', async () => {
    const state = (await startConsent()).searchParams.get('state') ?? '';
    const { fetch, requests } = oktaTokenEndpoint();
    const handler = callback(fetch, []);
    await handler(event('/oauth/callback', { code: 'c', state }));
    const again = await handler(event('/oauth/callback', { code: 'c', state }));
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('unknown or already used');
    expect(requests).toHaveLength(1);
  });

  it('refuses an expired state', async () => {
    const state = (await startConsent()).searchParams.get('state') ?? '';
    const { fetch, requests } = oktaTokenEndpoint();
    const response = await callback(fetch, [], NOW + 601_000)(event('/oauth/callback', { code: 'c', state }));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Sign-in link expired');
    expect(requests).toHaveLength(0);
  });

  it('refuses a state it never issued', async () => {
    const response = await callback(
      oktaTokenEndpoint().fetch,
      [],
    )(event('/oauth/callback', { code: 'c', state: 'forged' }));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('unknown or already used');
  });

  it('says so when the admin denied consent', async () => {
    const state = (await startConsent()).searchParams.get('state') ?? '';
    const saved: string[] = [];
    const response = await callback(
      oktaTokenEndpoint().fetch,
      saved,
    )(event('/oauth/callback', { error: 'access_denied', error_description: 'The user denied the request.', state }));
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Consent denied');
    expect(saved).toEqual([]);
  });

  it("shows Okta's error when the code exchange fails, without the client secret", async () => {
    const state = (await startConsent()).searchParams.get('state') ?? '';
    const { fetch } = oktaTokenEndpoint(
      json({ error: 'invalid_grant', error_description: 'The authorization code is invalid or has expired.' }, 400),
    );
    const response = await callback(fetch, [])(event('/oauth/callback', { code: 'stale', state }));
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('invalid_grant');
    expect(response.body).not.toContain(CLIENT_SECRET);
  });

  it('explains a missing refresh token (the app lacks the refresh-token grant)', async () => {
    const state = (await startConsent()).searchParams.get('state') ?? '';
    const { fetch } = oktaTokenEndpoint(json({ token_type: 'Bearer', expires_in: 3600, access_token: 'at' }));
    const response = await callback(fetch, [])(event('/oauth/callback', { code: 'c', state }));
    expect(response.statusCode).toBe(502);
    expect(response.body).toContain('Enable the Refresh Token grant');
  });
});
