/**
 * What every action shares, checked for all 19 from the catalog: the connection per call, the errors that come
 * from the connection or from Okta's availability (UnknownConnection, OktaAuthFailed, OktaForbidden,
 * OktaRateLimited, OktaUnavailable), and that the Okta scopes the catalog names are enough for the action.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contextWithRemaining, invoke, SHAPES, startHarness, type Harness } from './action-harness.js';
import { timesFired } from '../../support/fault-counters.js';
import { actions, type ActionSpec } from '../../../functions/catalog.js';
import { resetConfig } from '../../../functions/lib/config.js';
import { match } from '../../support/match.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

let h: Harness;
const handlers = new Map<string, Handler>();
let okGroupId = '';

beforeAll(async () => {
  h = await startHarness();
  for (const action of actions) {
    const module = (await import(`../../../${action.entry.replace(/\.ts$/, '.js')}`)) as { handler: Handler };
    handlers.set(action.name, module.handler);
  }
  okGroupId = (await h.okta<{ id: string }>('POST', '/api/v1/groups', { profile: { name: 'Common errors' } })).body.id;
});
afterAll(async () => {
  await h?.close();
});
afterEach(() => {
  h.sim.control.clearFaults();
});

let n = 0;
/** An input with which the action succeeds in the simulated org, made fresh (lifecycle changes are one-shot). */
async function validInput(name: string): Promise<Record<string, unknown>> {
  const active = async () => ({ userId: await h.userIn('ACTIVE') });
  switch (name) {
    case 'activate-user':
      return { userId: await h.userIn('STAGED') };
    case 'unsuspend-user':
      return { userId: await h.userIn('SUSPENDED') };
    case 'reset-forgotten-password':
      return { userId: await h.userIn('ACTIVE', { recoveryQuestion: true }) };
    case 'add-user-to-group':
      return { ...(await active()), groupId: okGroupId };
    case 'remove-user-from-group': {
      const input = { ...(await active()), groupId: okGroupId };
      await h.okta('PUT', `/api/v1/groups/${okGroupId}/users/${input.userId}`);
      return input;
    }
    case 'create-user': {
      const login = `common.${++n}.${Date.now()}@example.com`;
      return { profile: { login, email: login, firstName: 'Common', lastName: 'Errors' } };
    }
    case 'update-user':
      return { ...(await active()), profile: { title: 'Checked' } };
    case 'get-group-members':
      return { groupId: okGroupId, limit: 5 };
    case 'get-groups-by-name':
      return { name: 'Common errors' };
    case 'get-logon-events-by-ip':
      return { ipAddress: '203.0.113.9' };
    case 'search-users':
      return { filter: 'status eq "ACTIVE"', limit: 2 };
    case 'unlock-user':
      return { userId: await h.userIn('LOCKED_OUT') };
    case 'reactivate-user':
      return { userId: await h.userIn('PROVISIONED') };
    case 'okta-request':
      return { method: 'GET', path: `/api/v1/users/${(await active()).userId}` };
    default:
      return active();
  }
}

/**
 * A connection signing in as a service app granted exactly `scopes`; one app (and key pair, slow to make) per set
 * of scopes, each under its own connection name so the token is fetched once.
 */
const serviceApps = new Map<string, string>();
let servicePair: ReturnType<typeof generateKeyPairSync> | undefined;
function serviceAppConnection(scopes: string[]): string {
  const name = `scoped-${scopes.join('+')}`;
  if (serviceApps.has(name)) return name;
  servicePair ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `kid-${serviceApps.size}`;
  const client = h.sim.control.registerOAuthClient({
    label: name,
    jwks: [{ ...servicePair.publicKey.export({ format: 'jwk' }), kid }],
    grantedScopes: scopes,
  });
  h.aws.secrets.put(`okta-connector/${name}`, {
    domain: h.sim.url,
    auth: {
      type: 'client-credentials',
      clientId: client.clientId,
      keyId: kid,
      scopes,
      privateKey: servicePair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
  });
  serviceApps.set(name, client.clientId);
  return name;
}

/**
 * A fresh API-token connection for a fault test: the client remembers a spent rate-limit window per connection,
 * as it should, so a fault test must not share its connection with the tests after it.
 */
function isolatedConnection(name: string): string {
  h.aws.secrets.put(`okta-connector/${name}`, {
    domain: h.sim.url,
    auth: { type: 'api-token', token: h.sim.apiToken },
  });
  return name;
}

const byName = actions.map((action) => [action.name, action] as [string, ActionSpec]);

describe('every action, given the configured connections (CONNECTIONS, as the stack sets it)', () => {
  beforeAll(() => {
    process.env.CONNECTIONS = 'default,bad-token';
    resetConfig();
  });
  afterAll(() => {
    delete process.env.CONNECTIONS;
    resetConfig();
  });

  it.each(byName)(
    '%s answers a connection outside them with UnknownConnection 400, before reading any secret',
    async (name) => {
      // The secret exists: the refusal comes from the list, as IAM would refuse the read in AWS (issue 14 item 5).
      h.aws.secrets.put('okta-connector/unlisted', {
        domain: h.sim.url,
        auth: { type: 'api-token', token: h.sim.apiToken },
      });
      const outcome = await invoke(
        handlers.get(name)!,
        name,
        { ...(await validInput(name)), connection: 'unlisted' },
        'direct',
      );
      expect(outcome).toMatchObject({ status: 400, type: 'UnknownConnection' });
      expect(h.aws.secrets.reads('okta-connector/unlisted')).toBe(0);
    },
  );
});

describe.each(SHAPES)('every action through %s', (shape) => {
  it.each(byName)('%s succeeds on the connection the input names', async (name) => {
    h.aws.secrets.put('okta-connector/second', {
      domain: h.sim.url,
      auth: { type: 'api-token', token: h.sim.apiToken },
    });
    const outcome = await invoke(
      handlers.get(name)!,
      name,
      { ...(await validInput(name)), connection: 'second' },
      shape,
    );
    expect(outcome.status).toBe(200);
  });

  it.each(byName)('%s answers a connection that does not exist with UnknownConnection', async (name) => {
    const outcome = await invoke(
      handlers.get(name)!,
      name,
      { ...(await validInput(name)), connection: 'no-such-org' },
      shape,
    );
    expect(outcome).toMatchObject({ status: 400, type: 'UnknownConnection' });
  });

  it.each(byName)('%s answers a refused API token with OktaAuthFailed', async (name) => {
    const outcome = await invoke(
      handlers.get(name)!,
      name,
      { ...(await validInput(name)), connection: 'bad-token' },
      shape,
    );
    expect(outcome).toMatchObject({ status: 401, type: 'OktaAuthFailed' });
  });

  it.each(byName)('%s succeeds with exactly the Okta scopes the catalog names', async (name, action) => {
    // okta-request needs the scopes of the endpoint it calls; its valid input reads a user.
    const connection = serviceAppConnection(name === 'okta-request' ? ['okta.users.read'] : action.scopes);
    const outcome = await invoke(handlers.get(name)!, name, { ...(await validInput(name)), connection }, shape);
    expect(outcome.status).toBe(200);
  });

  it.each(byName)('%s answers a token without its scope with OktaForbidden', async (name) => {
    const connection = serviceAppConnection(['okta.apps.read']);
    const outcome = await invoke(handlers.get(name)!, name, { ...(await validInput(name)), connection }, shape);
    expect(outcome).toMatchObject({ status: 403, type: 'OktaForbidden' });
  });

  it.each(byName)(
    "%s answers Okta's rate limit outlasting the time left with OktaRateLimited and retryAfterSeconds",
    async (name) => {
      const input = { ...(await validInput(name)), connection: isolatedConnection(`limited-${name}-${shape}`) };
      const fault = h.sim.control.addFault({ type: 'rate-limit', path: '^/api/v1/' });
      const outcome = await invoke(handlers.get(name)!, name, input, shape, contextWithRemaining(1_500));
      expect(timesFired(h.sim, fault)).toBeGreaterThan(0);
      expect(outcome).toMatchObject({
        status: 429,
        type: 'OktaRateLimited',
        body: { retryAfterSeconds: match.any(Number) },
      });
    },
  );

  it.each(byName)('%s answers Okta failing with 5xx after retries with OktaUnavailable', async (name) => {
    const input = { ...(await validInput(name)), connection: isolatedConnection(`failing-${name}-${shape}`) };
    const fault = h.sim.control.addFault({ type: 'server-error', status: 503, path: '^/api/v1/' });
    // A short budget keeps the retries (and the test) short; the answer is the same with a long one.
    const outcome = await invoke(handlers.get(name)!, name, input, shape, contextWithRemaining(1_100));
    expect(outcome).toMatchObject({ status: 502, type: 'OktaUnavailable' });
    expect(timesFired(h.sim, fault)).toBeGreaterThan(0);
  });
});
