import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../../../functions/lib/config.js';
import type { Connection, SharedAccessToken, StoredSignIn } from '../../../../functions/lib/connections.js';
import {
  basicAuthorization,
  secretSignInStore,
  type AuthorizationCodeDeps,
} from '../../../../functions/lib/auth/authorization-code.js';
import type { Exclusive, SignInStore } from '../../../../functions/lib/auth/refresh-renewal.js';
import { oktaClientFor } from '../../../../functions/lib/okta/client.js';
import { json, scriptedFetch, type RecordedRequest } from '../okta/fake-okta.js';
import { match } from '../../../support/match.js';

const CLIENT_SECRET = 'client-secret-value-never-logged';
const HOUR_MS = 3_600_000;

function connection(): Connection {
  return {
    name: 'acme',
    baseUrl: 'https://acme.okta.com',
    auth: { type: 'authorization-code', clientId: '0oaWeb', clientSecret: CLIENT_SECRET, scopes: ['okta.users.read'] },
  };
}

/** The connection's secret as every container sees it, in memory, counting reads and writes. */
function sharedSecret(initial: { refreshToken?: string; accessToken?: SharedAccessToken } = { refreshToken: 'rt-1' }) {
  const state = {
    ...initial,
    reads: 0,
    writes: [] as Array<{ refreshToken: string; accessToken?: SharedAccessToken }>,
  };
  const store: SignInStore = {
    read: () => {
      state.reads += 1;
      return Promise.resolve({
        secret: {},
        ...(state.refreshToken ? { refreshToken: state.refreshToken } : {}),
        ...(state.accessToken ? { accessToken: state.accessToken } : {}),
      });
    },
    write: (_basedOn: StoredSignIn, signIn) => {
      state.writes.push(signIn);
      state.refreshToken = signIn.refreshToken;
      state.accessToken = signIn.accessToken;
      return Promise.resolve();
    },
  };
  return { state, store };
}

/** One lock for all the containers of a test, as the table's lease lock is. */
function sharedLock() {
  let tail: Promise<unknown> = Promise.resolve();
  const lock = { taken: 0 };
  const exclusive: Exclusive = (_deadline, work) => {
    const run = tail.then(() => {
      lock.taken += 1;
      return work(Date.now() + 10_000);
    });
    tail = run.catch(() => undefined);
    return run.then((value) => ({ acquired: true as const, value }));
  };
  return { lock, exclusive };
}

/** An org that rotates the refresh token on every use and counts the grants. */
function rotatingOrg(
  options: { tokenType?: 'Bearer' | 'DPoP'; persistent?: boolean; api?: (req: RecordedRequest) => Response } = {},
) {
  let issued = 1;
  return scriptedFetch((req: RecordedRequest) => {
    if (req.url.pathname !== '/oauth2/v1/token') return options.api?.(req) ?? json({ id: '00u1' });
    issued += 1;
    const sent = new URLSearchParams(req.body).get('refresh_token');
    return json({
      token_type: options.tokenType ?? 'Bearer',
      expires_in: 3600,
      access_token: `at-${issued}`,
      refresh_token: options.persistent ? sent : `rt-${issued}`,
      scope: 'okta.users.read offline_access',
    });
  });
}

/** A container: its own client (own token cache) over the shared secret and lock. */
function container(fetch: typeof globalThis.fetch, deps: AuthorizationCodeDeps) {
  return oktaClientFor(connection(), { fetch, rateLimitReserve: 0.1, ...deps });
}

const tokenRequests = (requests: RecordedRequest[]) => requests.filter((r) => r.url.pathname === '/oauth2/v1/token');
const me = { method: 'GET' as const, path: '/api/v1/users/me' };

describe('authorization-code sign-in', () => {
  it('uses the refresh-token grant with the stored token and client_secret_basic', async () => {
    const { fetch, requests } = rotatingOrg();
    const { store } = sharedSecret();
    await container(fetch, { signInStore: store, exclusive: sharedLock().exclusive }).request(me);
    const token = requests[0];
    expect(token?.url.pathname).toBe('/oauth2/v1/token');
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
    });
    expect(token?.headers.authorization).toBe(`Basic ${Buffer.from(`0oaWeb:${CLIENT_SECRET}`).toString('base64')}`);
    expect(requests[1]?.headers.authorization).toBe('Bearer at-2');
  });

  it('writes the rotated refresh token and the new access token back in one write', async () => {
    const { fetch } = rotatingOrg();
    const { state, store } = sharedSecret();
    const before = Date.now();
    await container(fetch, { signInStore: store, exclusive: sharedLock().exclusive }).request(me);
    expect(state.writes).toHaveLength(1);
    const written = state.writes[0]!;
    expect(written.refreshToken).toBe('rt-2');
    expect(written.accessToken?.token).toBe('at-2');
    expect(written.accessToken?.expiresAt).toBeGreaterThanOrEqual(before + HOUR_MS);
    // Renewed a minute before it runs out.
    expect((written.accessToken?.expiresAt ?? 0) - (written.accessToken?.renewAt ?? 0)).toBe(60_000);
  });

  it('uses an access token another container stored, without calling Okta or writing', async () => {
    const { fetch, requests } = rotatingOrg();
    const { state, store } = sharedSecret({
      refreshToken: 'rt-1',
      accessToken: { token: 'at-shared', expiresAt: Date.now() + HOUR_MS, renewAt: Date.now() + HOUR_MS - 60_000 },
    });
    await container(fetch, { signInStore: store, exclusive: sharedLock().exclusive }).request(me);
    expect(tokenRequests(requests)).toHaveLength(0);
    expect(requests[0]?.headers.authorization).toBe('Bearer at-shared');
    expect(state.writes).toHaveLength(0);
  });

  it('renews a stored access token that is due', async () => {
    const { fetch, requests } = rotatingOrg();
    const { store } = sharedSecret({
      refreshToken: 'rt-1',
      accessToken: { token: 'at-old', expiresAt: Date.now() + 30_000, renewAt: Date.now() - 1 },
    });
    await container(fetch, { signInStore: store, exclusive: sharedLock().exclusive }).request(me);
    expect(tokenRequests(requests)).toHaveLength(1);
    expect(requests[1]?.headers.authorization).toBe('Bearer at-2');
  });

  it('renews once for 8 containers whose tokens are due at the same time, each reading the secret again', async () => {
    const { fetch, requests } = rotatingOrg();
    const { state, store } = sharedSecret();
    const { lock, exclusive } = sharedLock();
    const containers = Array.from({ length: 8 }, () => container(fetch, { signInStore: store, exclusive }));
    await Promise.all(containers.map((okta) => okta.request(me)));
    expect(tokenRequests(requests)).toHaveLength(1);
    expect(state.writes).toHaveLength(1);
    // Each took the lock in turn and read the secret again under it; all but the first found the stored token.
    expect(lock.taken).toBe(8);
    expect(state.reads).toBe(16);
    expect(requests.filter((r) => r.url.pathname === '/api/v1/users/me').map((r) => r.headers.authorization)).toEqual(
      Array(8).fill('Bearer at-2'),
    );
  });

  it('sends the refresh token another container rotated, not the one it started with', async () => {
    const { fetch, requests } = rotatingOrg();
    const { state, store } = sharedSecret();
    const { exclusive } = sharedLock();
    await container(fetch, { signInStore: store, exclusive }).request(me);
    state.accessToken = undefined; // as if it were due
    await container(fetch, { signInStore: store, exclusive }).request(me);
    expect(tokenRequests(requests).map((r) => new URLSearchParams(r.body).get('refresh_token'))).toEqual([
      'rt-1',
      'rt-2',
    ]);
    expect(state.refreshToken).toBe('rt-3');
  });

  it('does not hand out again a stored access token Okta refused, but renews it', async () => {
    let apiCalls = 0;
    const { fetch, requests } = rotatingOrg({
      api: () => (++apiCalls === 1 ? json({ errorCode: 'E0000011' }, 401) : json({})),
    });
    const { state, store } = sharedSecret({
      refreshToken: 'rt-1',
      accessToken: { token: 'at-revoked', expiresAt: Date.now() + HOUR_MS, renewAt: Date.now() + HOUR_MS - 60_000 },
    });
    await container(fetch, { signInStore: store, exclusive: sharedLock().exclusive }).request(me);
    const api = requests.filter((r) => r.url.pathname === '/api/v1/users/me').map((r) => r.headers.authorization);
    expect(api).toEqual(['Bearer at-revoked', 'Bearer at-2']);
    expect(state.accessToken?.token).toBe('at-2');
  });

  it('stores no access token bound to its own DPoP key, only the rotated refresh token', async () => {
    const { fetch } = rotatingOrg({ tokenType: 'DPoP' });
    const { state, store } = sharedSecret();
    await container(fetch, { signInStore: store, exclusive: sharedLock().exclusive }).request(me);
    expect(state.writes).toEqual([{ refreshToken: 'rt-2', accessToken: undefined }]);
  });

  it('with a persistent refresh token, writes once to share the access token', async () => {
    const { fetch } = rotatingOrg({ persistent: true });
    const { state, store } = sharedSecret();
    await container(fetch, { signInStore: store, exclusive: sharedLock().exclusive }).request(me);
    expect(state.writes).toHaveLength(1);
    expect(state.writes[0]).toMatchObject({ refreshToken: 'rt-1', accessToken: { token: 'at-2' } });
  });

  it('on invalid_grant reads the secret again and tries once with the refresh token a new consent stored', async () => {
    const { fetch, requests } = scriptedFetch((req) => {
      if (req.url.pathname !== '/oauth2/v1/token') return json({});
      const sent = new URLSearchParams(req.body).get('refresh_token');
      return sent === 'rt-consent'
        ? json({ token_type: 'Bearer', expires_in: 3600, access_token: 'at-new', refresh_token: 'rt-next' })
        : json({ error: 'invalid_grant', error_description: 'The refresh token is invalid or expired.' }, 400);
    });
    const { state, store } = sharedSecret();
    const read = store.read.bind(store);
    store.read = async () => {
      const signIn = await read();
      // The consent lands between the read under the lock and Okta's answer.
      if (state.reads === 2) state.refreshToken = 'rt-consent';
      return signIn;
    };
    await container(fetch, { signInStore: store, exclusive: sharedLock().exclusive }).request(me);
    expect(tokenRequests(requests).map((r) => new URLSearchParams(r.body).get('refresh_token'))).toEqual([
      'rt-1',
      'rt-consent',
    ]);
    expect(state.refreshToken).toBe('rt-next');
  });

  it('gives OktaAuthFailed after one invalid_grant when the secret holds the same refresh token, without looping', async () => {
    const { fetch, requests } = scriptedFetch(
      json({ error: 'invalid_grant', error_description: 'The refresh token is invalid or expired.' }, 400),
    );
    const { state, store } = sharedSecret();
    const error = await container(fetch, { signInStore: store, exclusive: sharedLock().exclusive })
      .request(me)
      .catch((e: Error) => e);
    expect(error).toMatchObject({
      name: 'OktaAuthFailed',
      oktaErrorCode: 'invalid_grant',
      message: match.stringContaining('npx okta-connector connections consent acme'),
    });
    expect(requests).toHaveLength(1);
    expect(state.writes).toHaveLength(0);
    expect(JSON.stringify({ ...error, message: (error as Error).message })).not.toContain(CLIENT_SECRET);
    expect((error as Error).message).not.toContain('rt-1');
  });

  it('gives OktaAuthFailed after the second invalid_grant too: one retry, never more', async () => {
    const { fetch, requests } = scriptedFetch(
      json({ error: 'invalid_grant', error_description: 'The refresh token is invalid or expired.' }, 400),
    );
    const { state, store } = sharedSecret();
    const read = store.read.bind(store);
    store.read = async () => {
      state.refreshToken = `rt-changed-${state.reads}`;
      return read();
    };
    await expect(
      container(fetch, { signInStore: store, exclusive: sharedLock().exclusive }).request(me),
    ).rejects.toMatchObject({ name: 'OktaAuthFailed', oktaErrorCode: 'invalid_grant' });
    expect(requests).toHaveLength(2);
  });

  it('retries the refresh grant after a 5xx of the token endpoint (safe within the grace period)', async () => {
    let tokenCalls = 0;
    const { fetch, requests } = scriptedFetch((req) => {
      if (req.url.pathname !== '/oauth2/v1/token') return json({});
      tokenCalls += 1;
      return tokenCalls === 1
        ? json({ errorCode: 'E0000009' }, 503)
        : json({ token_type: 'Bearer', expires_in: 3600, access_token: 'at-2', refresh_token: 'rt-2' });
    });
    const { state, store } = sharedSecret();
    await container(fetch, {
      signInStore: store,
      exclusive: sharedLock().exclusive,
      sleep: () => Promise.resolve(),
    }).request(me);
    expect(tokenRequests(requests).map((r) => new URLSearchParams(r.body).get('refresh_token'))).toEqual([
      'rt-1',
      'rt-1',
    ]);
    expect(state.writes).toHaveLength(1);
  });

  it('gives a retryable OktaUnavailable when the lock is not had before the deadline and nothing was stored', async () => {
    const { fetch, requests } = rotatingOrg();
    const { store } = sharedSecret();
    const neverFree: Exclusive = () => Promise.resolve({ acquired: false });
    const error = await container(fetch, { signInStore: store, exclusive: neverFree })
      .request(me)
      .catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'OktaUnavailable', retryAfterSeconds: 10 });
    expect(requests).toHaveLength(0);
  });

  it('uses what the holder stored when the lock is not had before the deadline', async () => {
    const { fetch, requests } = rotatingOrg();
    const { state, store } = sharedSecret();
    const holderFinishes: Exclusive = () => {
      state.accessToken = { token: 'at-holder', expiresAt: Date.now() + HOUR_MS, renewAt: Date.now() + 60_000 };
      return Promise.resolve({ acquired: false });
    };
    await container(fetch, { signInStore: store, exclusive: holderFinishes }).request(me);
    expect(tokenRequests(requests)).toHaveLength(0);
    expect(requests[0]?.headers.authorization).toBe('Bearer at-holder');
  });

  it('does not write a renewal that ended after its lease, and renews again at the next call', async () => {
    const { fetch, requests } = rotatingOrg();
    const { state, store } = sharedSecret();
    const leaseOver: Exclusive = async (_deadline, work) => ({ acquired: true, value: await work(Date.now() - 1) });
    const okta = container(fetch, { signInStore: store, exclusive: leaseOver });
    await okta.request(me);
    expect(state.writes).toHaveLength(0);
    await okta.request(me);
    expect(tokenRequests(requests).map((r) => new URLSearchParams(r.body).get('refresh_token'))).toEqual([
      'rt-1',
      'rt-1',
    ]);
  });

  it('gives OktaAuthFailed pointing to the consent page when there is no refresh token yet', async () => {
    const { fetch, requests } = scriptedFetch(json({}));
    const { store } = sharedSecret({});
    await expect(
      container(fetch, { signInStore: store, exclusive: sharedLock().exclusive }).request(me),
    ).rejects.toMatchObject({
      name: 'OktaAuthFailed',
      message: match.stringContaining('npx okta-connector connections consent acme'),
    });
    expect(requests).toHaveLength(0);
  });

  it('form-encodes client id and secret before the Basic encoding (RFC 6749 2.3.1)', () => {
    const auth = { type: 'authorization-code' as const, clientId: 'id:1', clientSecret: 'a b/c', scopes: ['x'] };
    expect(Buffer.from(basicAuthorization(auth).slice(6), 'base64').toString()).toBe('id%3A1:a+b%2Fc');
  });
});

describe('the secret as the shared sign-in store', () => {
  const stored = {
    domain: 'acme.okta.com',
    auth: {
      type: 'authorization-code',
      clientId: '0oaWeb',
      clientSecret: CLIENT_SECRET,
      scopes: ['okta.users.read'],
      refreshToken: 'rt-1',
      accessToken: { token: 'at-1', expiresAt: '2026-12-03T17:00:00.000Z', renewAt: '2026-12-03T16:59:00.000Z' },
    },
    eventHookSecret: 'hook',
  };

  it('reads the refresh token and the shared access token from the secret, every time', async () => {
    const secrets = new SecretsManagerClient({});
    const sm = mockClient(secrets);
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(stored) });
    const store = secretSignInStore(connection(), { secrets, cfg: readConfig({}) });
    await store.read();
    const signIn = await store.read();
    expect(signIn).toMatchObject({
      refreshToken: 'rt-1',
      accessToken: {
        token: 'at-1',
        expiresAt: Date.parse('2026-12-03T17:00:00.000Z'),
        renewAt: Date.parse('2026-12-03T16:59:00.000Z'),
      },
    });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('writes the rotated tokens over the secret as read, keeping every other field', async () => {
    const secrets = new SecretsManagerClient({});
    const sm = mockClient(secrets);
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(stored) });
    sm.on(PutSecretValueCommand).resolves({});
    const store = secretSignInStore(connection(), { secrets, cfg: readConfig({}) });
    const expiresAt = Date.parse('2026-12-03T18:00:00.000Z');
    await store.write(await store.read(), {
      refreshToken: 'rt-2',
      accessToken: { token: 'at-2', expiresAt, renewAt: expiresAt - 60_000 },
    });
    const written: unknown = JSON.parse(sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input.SecretString ?? '{}');
    expect(written).toEqual({
      ...stored,
      auth: {
        ...stored.auth,
        refreshToken: 'rt-2',
        accessToken: { token: 'at-2', expiresAt: '2026-12-03T18:00:00.000Z', renewAt: '2026-12-03T17:59:00.000Z' },
      },
    });
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(1);
  });

  it('ignores a malformed shared access token (it is only a cache) and keeps the refresh token', async () => {
    const secrets = new SecretsManagerClient({});
    const sm = mockClient(secrets);
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({
        ...stored,
        auth: { ...stored.auth, accessToken: { token: 'x', expiresAt: 'soon' } },
      }),
    });
    const signIn = await secretSignInStore(connection(), { secrets, cfg: readConfig({}) }).read();
    expect(signIn.accessToken).toBeUndefined();
    expect(signIn.refreshToken).toBe('rt-1');
  });
});
