// Drives a broad scenario through the simulated org with the OpenAPI validator watching every exchange: each
// request the simulator accepts and each response it gives must fit Okta's spec, errors included.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';
import { createOpenApiValidator } from '../support/openapi-validator.js';
import { simAdmin } from '../support/sim-admin.js';

let sim: OktaSim;
let receiver: Server;
let receiverUrl: string;
const problems: string[] = [];
let exchanges = 0;

/** An answer; the scenario steps read ids from its body (the validator checks the rest). */
interface Answer<Body = { id: string }> {
  status: number;
  body: Body;
}

async function call<Body = { id: string }>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<Body>> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
      authorization: `SSWS ${sim.apiToken}`,
      ...headers,
    },
    body: body === undefined ? (method === 'GET' || method === 'DELETE' ? undefined : '') : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as Body };
}

const profile = (name: string) => ({
  firstName: 'Grace',
  lastName: name,
  email: `${name}@example.com`,
  login: `${name}@example.com`,
});

beforeAll(async () => {
  const validator = createOpenApiValidator();
  receiver = createServer((request, response) => {
    const challenge = request.headers['x-okta-verification-challenge'];
    request.resume();
    request.on('end', () =>
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(challenge ? JSON.stringify({ verification: challenge }) : ''),
    );
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  sim = await startOktaSim({ seed: 'realistic' });
  sim.observe((req, res) => {
    exchanges++;
    problems.push(...validator.validateExchange(req, res));
  });
}, 60_000);

afterAll(async () => {
  await sim.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('a broad scenario checked against the OpenAPI spec', () => {
  it('users: create, read, update, list and search', async () => {
    const created = await call('POST', '/api/v1/users?activate=true', {
      profile: profile('hopper'),
      credentials: { password: { value: 'Sup3r-Secret!' } },
    });
    expect(created.status).toBe(200);
    const id = created.body.id;
    await call('POST', '/api/v1/users?activate=false', { profile: profile('staged') });
    await call('GET', `/api/v1/users/${id}`);
    await call('GET', `/api/v1/users/${encodeURIComponent('hopper@example.com')}`);
    await call('POST', `/api/v1/users/${id}`, { profile: { title: 'Rear Admiral' } });
    await call('PUT', `/api/v1/users/${id}`, { profile: { ...profile('hopper'), title: 'Admiral' } });
    await call('GET', '/api/v1/users?limit=5');
    await call('GET', `/api/v1/users?search=${encodeURIComponent('profile.lastName eq "hopper"')}`);
    await call('GET', `/api/v1/users?filter=${encodeURIComponent('status eq "ACTIVE"')}&limit=3`);
    await call('GET', '/api/v1/users?q=hop');
    await call('GET', `/api/v1/users/${id}/groups`);
    await call('GET', `/api/v1/users/${id}/appLinks`);
    expect(exchanges).toBeGreaterThan(0);
  });

  it('users: the lifecycle, from staged to deleted', async () => {
    const staged = (
      await call('POST', '/api/v1/users?activate=false', {
        profile: profile('lifecycle'),
        credentials: { password: { value: 'Sup3r-Secret!' } },
      })
    ).body.id;
    await call('POST', `/api/v1/users/${staged}/lifecycle/activate?sendEmail=false`);
    await call('POST', `/api/v1/users/${staged}/lifecycle/suspend`);
    await call('POST', `/api/v1/users/${staged}/lifecycle/unsuspend`);
    await call('POST', `/api/v1/users/${staged}/lifecycle/expire_password`);
    await call('POST', `/api/v1/users/${staged}/lifecycle/expire_password_with_temp_password?revokeSessions=false`);
    await call('POST', `/api/v1/users/${staged}/lifecycle/reset_password?sendEmail=false`);
    await call('POST', `/api/v1/users/${staged}/lifecycle/deactivate?sendEmail=false`);
    await call('DELETE', `/api/v1/users/${staged}?sendEmail=false`);
    const gone = await call('GET', `/api/v1/users/${staged}`);
    expect(gone.status).toBe(404);
  });

  it('groups: create, search, members', async () => {
    const user = (
      await call('POST', '/api/v1/users', {
        profile: profile('member'),
        credentials: { password: { value: 'Sup3r-Secret!' } },
      })
    ).body.id;
    const group = await call('POST', '/api/v1/groups', { profile: { name: 'Navy', description: 'Sailors' } });
    expect(group.status).toBe(200);
    const groupId = group.body.id;
    await call('GET', '/api/v1/groups?q=Na');
    await call('GET', `/api/v1/groups?search=${encodeURIComponent('profile.name eq "Navy"')}`);
    await call('GET', `/api/v1/groups/${groupId}`);
    await call('PUT', `/api/v1/groups/${groupId}/users/${user}`);
    await call('GET', `/api/v1/groups/${groupId}/users?limit=10`);
    await call('GET', `/api/v1/users/${user}/groups`);
    const removed = await call('DELETE', `/api/v1/groups/${groupId}/users/${user}`);
    expect(removed.status).toBe(204);
  });

  it('apps and the System Log', async () => {
    const apps = await call<Array<{ id: string }>>('GET', '/api/v1/apps?limit=20');
    expect(apps.status).toBe(200);
    const someUser = sim.org.users()[0]?.id as string;
    await call('GET', `/api/v1/apps?filter=${encodeURIComponent(`user.id eq "${someUser}"`)}`);
    if (apps.body[0]) await call('GET', `/api/v1/apps/${apps.body[0].id}`);
    await call(
      'GET',
      `/api/v1/logs?since=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&limit=20`,
    );
    await call(
      'GET',
      `/api/v1/logs?filter=${encodeURIComponent('eventType eq "user.session.start"')}&sortOrder=DESCENDING&limit=5`,
    );
    const polled = await call('GET', '/api/v1/logs?limit=5&sortOrder=ASCENDING');
    expect(polled.status).toBe(200);
  });

  it('event hooks: create, verify, deliver, deactivate, delete', async () => {
    const hook = await call('POST', '/api/v1/eventHooks', {
      name: 'Conformance',
      events: { type: 'EVENT_TYPE', items: ['user.lifecycle.create'] },
      channel: {
        type: 'HTTP',
        version: '1.0.0',
        config: {
          uri: `${receiverUrl}/hook`,
          headers: [],
          authScheme: { type: 'HEADER', key: 'Authorization', value: 'secret' },
        },
      },
    });
    expect(hook.status).toBe(200);
    const id = hook.body.id;
    await call('GET', '/api/v1/eventHooks');
    await call('POST', `/api/v1/eventHooks/${id}/lifecycle/verify`);
    await call('POST', '/api/v1/users', { profile: profile('hooked') });
    await call('PUT', `/api/v1/eventHooks/${id}`, { ...hook.body, name: 'Conformance renamed' });
    await call('POST', `/api/v1/eventHooks/${id}/lifecycle/deactivate`);
    await call('POST', `/api/v1/eventHooks/${id}/lifecycle/activate`);
    await call('POST', `/api/v1/eventHooks/${id}/lifecycle/deactivate`);
    const deleted = await call('DELETE', `/api/v1/eventHooks/${id}`);
    expect(deleted.status).toBe(204);
  });

  it('OAuth: a token by client credentials, and calls with it', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const { body: client } = await simAdmin(sim).control<{ clientId: string }>('POST', '/__sim/oauth-clients', {
      label: 'Conformance',
      jwks: [{ ...(await exportJWK(publicKey)), kid: 'k1' }],
      grantedScopes: ['okta.users.read'],
    });
    const assertion = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(client.clientId)
      .setSubject(client.clientId)
      .setAudience(`${sim.url}/oauth2/v1/token`)
      .setExpirationTime('5m')
      .sign(privateKey);
    const tokenRequest = (scope: string, jwt: string) =>
      fetch(`${sim.url}/oauth2/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          scope,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: jwt,
        }),
      });
    const token = (await (await tokenRequest('okta.users.read', assertion)).json()) as { access_token: string };
    await tokenRequest('okta.users.read', assertion); // replayed: 401 invalid_client
    await call('GET', '/api/v1/users?limit=2', undefined, { authorization: `Bearer ${token.access_token}` });
    const forbidden = await call('GET', '/api/v1/groups', undefined, { authorization: `Bearer ${token.access_token}` });
    expect(forbidden.status).toBe(403);
    await call('GET', '/api/v1/users?limit=2', undefined, { authorization: 'Bearer not-a-token' });
  });

  it('error answers', async () => {
    await call('GET', '/api/v1/users/00unotthere');
    const active = (
      await call('POST', '/api/v1/users', {
        profile: profile('errors'),
        credentials: { password: { value: 'Sup3r-Secret!' } },
      })
    ).body.id;
    await call('POST', `/api/v1/users/${active}/lifecycle/unsuspend`);
    await call('POST', '/api/v1/users', {
      profile: profile('errors'),
      credentials: { password: { value: 'Sup3r-Secret!' } },
    });
    await call('GET', `/api/v1/users?search=${encodeURIComponent('profile.lastName ne "x"')}`);
    await call('GET', '/api/v1/groups/00gnotthere');
    await call('GET', '/api/v1/eventHooks/whonotthere');
    const unauthorized = await call('GET', '/api/v1/users', undefined, { authorization: 'SSWS wrong' });
    expect(unauthorized.status).toBe(401);
  });

  it('found no exchange that departs from the spec', () => {
    expect(exchanges).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });
});
