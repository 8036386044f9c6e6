import { generateKeyPairSync } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetAwsClients } from '../../functions/lib/aws-clients.js';
import { resetConfig } from '../../functions/lib/config.js';
import { clearConnectionCache } from '../../functions/lib/connections.js';
import { logger } from '../../functions/lib/observability.js';
import { handler as eventHook } from '../../functions/triggers/event-hook.js';
import { handler as poll } from '../../functions/triggers/poll-system-log.js';
import { handler as replay } from '../../functions/triggers/replay.js';
import { handler as search } from '../../functions/triggers/scheduled-search.js';
import { startLocalAws, type LocalAws } from '../../local/aws/index.js';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';
import { capturedCount, findLeaks, muteOutput, registerSecret } from '../support/leak-capture.js';
import { loadAction } from './action-modules.js';

// A broad scenario with every log line on: every action, every trigger, failures included, over connections of
// each kind. The leak check (test/support/leak-check.ts) registers the secrets and captures the logs, the error
// bodies and the bus; here the scenario runs and what was captured is checked to be there, and clean.
const HOOK_SECRET = 'leak-hook-secret-8e4b1d2f';
const PREVIOUS_HOOK_SECRET = 'leak-previous-hook-secret-3a9c';
const PASSWORD = 'Leak-Test-Passphrase-2026!';
const NEW_PASSWORD = 'Another-Leak-Passphrase-77';
const RECOVERY_ANSWER = 'my first cat was called Quasar';
const context = {
  awsRequestId: 'leaks',
  functionName: 'okta-connector',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;
let sim: OktaSim;
let aws: LocalAws;
const errorTypes: string[] = [];

async function okta<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `SSWS ${sim.apiToken}`, accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json() as Promise<T>;
}

/** Calls an action over REST; an output's one-time secrets (tokens, links) are registered before anything else runs. */
async function act(name: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { handler } = await loadAction(name);
  const event = {
    resource: '/actions/{name}',
    path: `/actions/${name}`,
    httpMethod: 'POST',
    headers: { 'content-type': 'application/json' },
    pathParameters: { name },
    requestContext: { resourcePath: '/actions/{name}', httpMethod: 'POST', stage: 'prod' },
    body: JSON.stringify(input),
    isBase64Encoded: false,
  };
  const response = (await handler(event, context)) as { statusCode: number; body: string };
  const body = JSON.parse(response.body) as Record<string, unknown>;
  if (response.statusCode !== 200) errorTypes.push((body.error as { type: string }).type);
  registerSecret(body.activationToken, 'activation token');
  for (const url of [body.activationUrl, body.resetPasswordUrl])
    if (typeof url === 'string') registerSecret(url.split('/').at(-1), 'one-time link token');
  return body;
}

function serviceApp(kind: 'pem' | 'jwk') {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const client = sim.control.registerOAuthClient({
    label: `leaks-${kind}`,
    jwks: [{ ...pair.publicKey.export({ format: 'jwk' }), kid: `leak-${kind}` }],
    grantedScopes: ['okta.users.read'],
  });
  const privateKey =
    kind === 'pem'
      ? pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
      : { ...pair.privateKey.export({ format: 'jwk' }), kid: `leak-${kind}` };
  return {
    domain: sim.url,
    auth: {
      type: 'client-credentials',
      clientId: client.clientId,
      keyId: `leak-${kind}`,
      privateKey,
      scopes: ['okta.users.read'],
    },
  };
}

beforeAll(async () => {
  [sim, aws] = await Promise.all([
    startOktaSim({ seed: { users: 4, groups: 1, apps: 2, signInDays: 1 }, rateLimits: false }),
    startLocalAws(),
  ]);
  Object.assign(process.env, aws.env(), {
    ALLOW_INSECURE_LOCAL_OKTA: 'true',
    CONNECTION_CACHE_SECONDS: '0',
    TABLE_NAME: 'leaks',
    EVENT_BUS_NAME: 'leaks-bus',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
  });
  delete process.env.DEFAULT_CONNECTION;
  resetConfig();
  resetAwsClients();
  clearConnectionCache();
  await aws.createTable('leaks');
  registerSecret(PASSWORD, 'a password in an input');
  registerSecret(NEW_PASSWORD, 'a password in an input');
  registerSecret(RECOVERY_ANSWER, 'a recovery answer in an input');
  aws.secrets.put('okta-connector/default', {
    domain: sim.url,
    auth: { type: 'api-token', token: sim.apiToken },
  });
  aws.secrets.put('okta-connector/default/event-hook', {
    eventHookSecret: HOOK_SECRET,
    previousEventHookSecret: PREVIOUS_HOOK_SECRET,
  });
  aws.secrets.put('okta-connector/wrong-token', {
    domain: sim.url,
    auth: { type: 'api-token', token: '00WrongTokenOfAnotherOrg0123456789abcdefg' },
  });
  aws.secrets.put('okta-connector/service-pem', serviceApp('pem'));
  aws.secrets.put('okta-connector/service-jwk', serviceApp('jwk'));
  aws.secrets.put('okta-connector/web', {
    domain: sim.url,
    auth: {
      type: 'authorization-code',
      clientId: '0oaNoSuchWebApp',
      clientSecret: 'web-client-secret-5f2e9d1c7b',
      scopes: ['okta.users.read'],
      refreshToken: 'refresh-token-never-issued-4c8a1e',
    },
  });
  logger.setLogLevel('DEBUG');
  muteOutput(true);
});
afterAll(async () => {
  muteOutput(false);
  logger.setLogLevel('SILENT');
  resetAwsClients();
  await Promise.all([sim.close(), aws.close()]);
});

describe('a broad scenario with every log line on', () => {
  it('runs every action, successes and failures, over each kind of connection', async () => {
    const group = await okta<{ id: string }>('POST', '/api/v1/groups', { profile: { name: 'Leak Group' } });
    const created = await act('create-user', {
      profile: { login: 'leak.one@example.com', email: 'leak.one@example.com', firstName: 'Leak', lastName: 'One' },
      password: PASSWORD,
      recoveryQuestion: { question: 'First cat?', answer: RECOVERY_ANSWER },
      groupIds: [group.id],
    });
    const userId = String(created.id);
    const staged = await act('create-user', {
      profile: { login: 'leak.two@example.com', email: 'leak.two@example.com', firstName: 'Leak', lastName: 'Two' },
      activate: false,
    });
    const stagedId = String(staged.id);
    const calls: Array<[string, Record<string, unknown>]> = [
      ['get-user', { userId }],
      ['update-user', { userId, profile: { nickName: 'leaky' }, password: NEW_PASSWORD }],
      ['activate-user', { userId: stagedId, sendEmail: false }],
      ['suspend-user', { userId }],
      ['unsuspend-user', { userId }],
      ['remove-user-from-group', { userId, groupId: group.id }],
      ['add-user-to-group', { userId, groupId: group.id }],
      ['get-group-members', { groupId: group.id }],
      ['get-groups-by-name', { name: 'Leak Group' }],
      ['get-user-groups', { userId }],
      ['list-user-apps', { userId }],
      ['reset-forgotten-password', { userId, sendEmail: false }],
      ['reset-password', { userId, sendEmail: false }],
      ['expire-password', { userId, tempPassword: true }],
      ['get-logon-events-by-ip', { ipAddress: '10.9.8.7' }],
      ['search-users', { search: 'profile.lastName eq "One"' }],
      ['deactivate-user', { userId: stagedId }],
      ['delete-user', { userId: stagedId }],
      // Failures: not found, refused credentials, a refused refresh token, no connection, an input with secrets in it.
      ['get-user', { userId: 'nobody@example.com' }],
      ['get-user', { userId, connection: 'wrong-token' }],
      ['get-user', { userId, connection: 'web' }],
      ['get-user', { userId, connection: 'no-such-connection' }],
      [
        'create-user',
        { profile: { login: 'x', email: 'not-an-email', firstName: 'X', lastName: 'Y' }, password: PASSWORD },
      ],
      ['get-user', { userId, connection: 'service-pem' }],
      ['get-user', { userId, connection: 'service-jwk' }],
    ];
    for (const [name, input] of calls) await act(name, input);
    expect(new Set(errorTypes)).toEqual(
      new Set(['OktaNotFound', 'OktaAuthFailed', 'UnknownConnection', 'InvalidInput']),
    );
  });

  it('runs every trigger: hook deliveries with the secret, the previous one and a wrong one, a poll, a search, a replay', async () => {
    const events = sim.org.logEvents().slice(-5);
    const post = (authorization: string) =>
      eventHook({
        version: '2.0',
        requestContext: { http: { method: 'POST' } },
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({
          eventType: 'com.okta.event_hook',
          source: `${sim.url}/api/v1/eventHooks/whoLeakCheck1`,
          data: { events },
        }),
        isBase64Encoded: false,
      });
    const answers = [await post(HOOK_SECRET), await post(PREVIOUS_HOOK_SECRET), await post(`${HOOK_SECRET}x`)];
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const until = new Date().toISOString();
    await poll({}, context);
    await search({ since, until, filter: 'eventType eq "user.lifecycle.create"' }, context);
    await replay({ since, until }, context);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 401]);
  });

  it('wrote log lines, error bodies and bus entries to search', () => {
    expect(capturedCount('stdout')).toBeGreaterThan(30);
    expect(capturedCount('error body')).toBeGreaterThanOrEqual(5);
    expect(capturedCount('event bus')).toBeGreaterThan(20);
  });

  it('let no token, key, client secret, refresh token, hook secret, password or one-time link into any of them', () => {
    expect(findLeaks()).toEqual([]);
  });
});
