import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetAwsClients } from '../../functions/lib/aws-clients.js';
import { resetConfig } from '../../functions/lib/config.js';
import { clearConnectionCache } from '../../functions/lib/connections.js';
import { logger } from '../../functions/lib/observability.js';
import { createAuthorizeHandler } from '../../functions/oauth/authorize.js';
import { handler as callback } from '../../functions/oauth/callback.js';
import { createStartConsentHandler } from '../../functions/oauth/start-consent.js';
import { handler as eventHook, MAX_BODY_BYTES, type HookHttpEvent } from '../../functions/triggers/event-hook.js';
import { handler as poll } from '../../functions/triggers/poll-system-log.js';
import { handler as replay } from '../../functions/triggers/replay.js';
import { handler as search } from '../../functions/triggers/scheduled-search.js';
import { startLocalAws, type LocalAws } from '../../local/aws/index.js';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';
import { loadAction } from './action-modules.js';
import { actionCases, badDomains, SMUGGLED_SEARCH_VALUE } from './bad-input-cases.js';
import { match } from '../support/match.js';

const HOOK_SECRET = 'bad-input-hook-secret-7c21';
const context = {
  awsRequestId: 'bad-input',
  functionName: 'okta-connector',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;
let sim: OktaSim;
let aws: LocalAws;
let logSize = 0;
let busSize = 0;

beforeAll(async () => {
  [sim, aws] = await Promise.all([
    startOktaSim({ seed: { users: 4, groups: 3, apps: 1, signInDays: 0 }, rateLimits: false }),
    startLocalAws(),
  ]);
  Object.assign(process.env, aws.env(), {
    ALLOW_INSECURE_LOCAL_OKTA: 'true',
    CONNECTION_CACHE_SECONDS: '0',
    TABLE_NAME: 'bad-input',
    EVENT_BUS_NAME: 'bad-input-bus',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  delete process.env.DEFAULT_CONNECTION;
  delete process.env.CONNECTION_SECRET_PREFIX;
  logger.setLogLevel('SILENT');
  resetConfig();
  resetAwsClients();
  clearConnectionCache();
  await aws.createTable('bad-input');
  aws.secrets.put('okta-connector/default', {
    domain: sim.url,
    auth: { type: 'api-token', token: sim.apiToken },
  });
  aws.secrets.put('okta-connector/default/event-hook', { eventHookSecret: HOOK_SECRET, domain: sim.url });
  for (const [name, domain] of Object.entries(badDomains))
    aws.secrets.put(`okta-connector/${name}`, { domain, auth: { type: 'api-token', token: sim.apiToken } });
  await okta('POST', '/api/v1/groups', {
    profile: { name: 'Sales', description: 'the group a smuggled search value would widen' },
  });
  await okta('POST', '/api/v1/groups', { profile: { name: 'Support', description: 'another group' } });
});
afterAll(async () => {
  resetAwsClients();
  await Promise.all([sim.close(), aws.close()]);
});

// Nothing a refused call does may reach the org or the bus.
beforeEach(() => {
  logSize = sim.org.logEvents().length;
  busSize = aws.eventBridge.entries().length;
});
afterEach(() => {
  expect(sim.org.logEvents().length, 'the org changed').toBe(logSize);
  expect(aws.eventBridge.entries().length, 'something was published').toBe(busSize);
});

async function okta(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `SSWS ${sim.apiToken}`, accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json() as Promise<unknown>;
}

/**
 * Calls an action as API Gateway REST would, with the body as given (on the per-connection route when
 * `pathConnection` is given); returns the status and the error.
 */
async function callAction(name: string, body: string, pathConnection?: string) {
  const { handler } = await loadAction(name);
  const event = {
    resource: '/actions/{name}',
    path: `/actions/${name}`,
    httpMethod: 'POST',
    headers: { 'content-type': 'application/json' },
    pathParameters: pathConnection === undefined ? { name } : { name, connection: pathConnection },
    requestContext: { resourcePath: '/actions/{name}', httpMethod: 'POST', stage: 'prod' },
    body,
    isBase64Encoded: false,
  };
  const response = (await handler(event, context)) as { statusCode: number; body: string };
  return {
    status: response.statusCode,
    body: JSON.parse(response.body) as { error?: { type: string; message: string }; groups?: unknown[] },
  };
}

describe('every action refuses bad input with its CONTRACT error', () => {
  it.each(actionCases.map((c) => [`${c.action}: ${c.kind}`, c] as const))('%s', async (_title, row) => {
    const { status, body } = await callAction(row.action, row.body, row.pathConnection);
    expect(body.error?.type).toBe(row.type);
    expect(status).toBe(row.type === 'UnknownConnection' || row.type === 'InvalidInput' ? 400 : 500);
    expect(body.error?.message).toMatch(row.message);
  });

  it('throws the same CONTRACT type on direct invoke (Step Functions)', async () => {
    const { handler } = await loadAction('get-user');
    await expect(handler({ userId: '../groups' }, context)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: match.stringContaining('userId'),
    });
  });
});

describe('a smuggled search value stays one value', () => {
  it('finds the group by its plain name (the control)', async () => {
    const { body } = await callAction('get-groups-by-name', JSON.stringify({ name: 'Sales' }));
    expect(body.groups).toHaveLength(1);
  });

  it.each(['exact', 'startsWith'])(
    'get-groups-by-name (%s) finds no group for "Sales\\" or profile.name sw \\""',
    async (match) => {
      const { status, body } = await callAction(
        'get-groups-by-name',
        JSON.stringify({ name: SMUGGLED_SEARCH_VALUE, match }),
      );
      expect(status).toBe(200);
      expect(body.groups).toEqual([]);
    },
  );
});

describe('connections whose domain is refused (as deployed)', () => {
  beforeAll(() => {
    delete process.env.ALLOW_INSECURE_LOCAL_OKTA;
    resetConfig();
  });
  afterAll(() => {
    process.env.ALLOW_INSECURE_LOCAL_OKTA = 'true';
    resetConfig();
  });

  it.each(Object.entries(badDomains))('%s (%s) is an InternalError naming the domain', async (connection) => {
    const { status, body } = await callAction(
      'get-user',
      JSON.stringify({ userId: 'someone@example.com', connection }),
    );
    expect(status).toBe(500);
    expect(body.error?.type).toBe('InternalError');
    expect(body.error?.message).toMatch(new RegExp(`Connection "${connection}": domain`));
  });

  it.each(Object.keys(badDomains))('the poller refuses %s', async (connection) => {
    await expect(poll({ connection }, context)).rejects.toMatchObject({
      name: 'InternalError',
      message: match.stringContaining('domain'),
    });
  });
});

// Issue 16 part 4: a client-credentials secret that names its key in AWS KMS, wrongly. Each is the deployment's
// mistake (InternalError, CONTRACT §2), named by field or by what KMS says of the key, and no grant leaves.
describe('connections whose KMS signing key is refused', () => {
  const auth = (fields: Record<string, unknown>) => ({
    type: 'client-credentials',
    clientId: '0oaKms',
    keyId: 'kid-kms',
    scopes: ['okta.users.read'],
    ...fields,
  });
  const rows: Array<[string, () => Promise<Record<string, unknown>>, RegExp]> = [
    [
      'a malformed kmsKeyId',
      () => Promise.resolve(auth({ kmsKeyId: 'my key' })),
      /auth\.kmsKeyId must be a KMS key id/,
    ],
    [
      'both privateKey and kmsKeyId',
      () => Promise.resolve(auth({ kmsKeyId: 'alias/x', privateKey: 'pem' })),
      /both privateKey and kmsKeyId/,
    ],
    [
      'neither privateKey nor kmsKeyId',
      () => Promise.resolve(auth({})),
      /auth\.privateKey or auth\.kmsKeyId is required/,
    ],
    [
      'a kmsKeyId without keyId',
      () => Promise.resolve({ ...auth({ kmsKeyId: 'alias/x' }), keyId: undefined }),
      /auth\.keyId/,
    ],
    [
      'a key that does not exist',
      () => Promise.resolve(auth({ kmsKeyId: 'alias/none' })),
      /DescribeKey .* refused \(NotFoundException\)/,
    ],
    [
      'an ENCRYPT_DECRYPT key',
      async () => auth({ kmsKeyId: await aws.kms.createKey('RSA_2048', 'ENCRYPT_DECRYPT') }),
      /key usage ENCRYPT_DECRYPT; a client assertion needs a SIGN_VERIFY key/,
    ],
    [
      'a secp256k1 key (ES256K, which Okta does not accept)',
      async () => auth({ kmsKeyId: await aws.kms.createKey('ECC_SECG_P256K1') }),
      /is a ECC_SECG_P256K1 key; Okta accepts RSA_2048/,
    ],
  ];

  it.each(rows)('%s is an InternalError saying what is wrong, and no grant is sent', async (_case, secret, message) => {
    const connection = `kms-bad-${Math.random().toString(36).slice(2, 8)}`;
    aws.secrets.put(`okta-connector/${connection}`, { domain: sim.url, auth: await secret() });
    let grants = 0;
    const stop = sim.observe((req) => {
      if (req.path === '/oauth2/v1/token') grants += 1;
    });

    const { status, body } = await callAction(
      'get-user',
      JSON.stringify({ userId: 'someone@example.com', connection }),
    );
    stop();

    expect(status).toBe(500);
    expect(body.error?.type).toBe('InternalError');
    expect(body.error?.message).toMatch(message);
    expect(grants).toBe(0);
  });
});

function hookPost(
  body: string | Buffer,
  headers: Record<string, string> = {},
  query: Record<string, string> = {},
): HookHttpEvent {
  return {
    version: '2.0',
    requestContext: { http: { method: 'POST' } },
    headers: { 'content-type': 'application/json', authorization: HOOK_SECRET, ...headers },
    queryStringParameters: query,
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  };
}

/** A delivery as Okta sends it (OKTA-API-FACTS §6), from the sim's org; `event` overrides fields of each event. */
const delivery = (uuids: string[], event: Record<string, unknown> = {}, envelope: Record<string, unknown> = {}) =>
  JSON.stringify({
    eventType: 'com.okta.event_hook',
    source: `${sim.url}/api/v1/eventHooks/whoBadInput1`,
    eventId: `delivery-${uuids[0]}`,
    data: {
      events: uuids.map((uuid) => ({
        uuid,
        published: new Date().toISOString(),
        eventType: 'user.lifecycle.create',
        version: '0',
        ...event,
      })),
    },
    ...envelope,
  });

describe('the event hook refuses what Okta would not send', () => {
  const uuid = '11111111-1111-4111-8111-111111111111';
  const rows: Array<[string, () => HookHttpEvent, number, RegExp]> = [
    [
      'GET without the verification challenge',
      () => ({ ...hookPost(''), requestContext: { http: { method: 'GET' } } }),
      400,
      /challenge/,
    ],
    ['PUT', () => ({ ...hookPost(delivery([uuid])), requestContext: { http: { method: 'PUT' } } }), 405, /POST/],
    [
      'a body that is not JSON by its Content-Type',
      () => hookPost(delivery([uuid]), { 'content-type': 'text/plain' }),
      415,
      /application\/json/,
    ],
    [
      'no Authorization',
      () => ({ ...hookPost(delivery([uuid])), headers: { 'content-type': 'application/json' } }),
      401,
      /Not authorized/,
    ],
    ['a wrong secret', () => hookPost(delivery([uuid]), { authorization: 'not-the-secret' }), 401, /Not authorized/],
    [
      'a wrong secret of the same length',
      () => hookPost(delivery([uuid]), { authorization: HOOK_SECRET.replace(/.$/, 'X') }),
      401,
      /Not authorized/,
    ],
    [
      'the secret with a trailing space',
      () => hookPost(delivery([uuid]), { authorization: `${HOOK_SECRET} ` }),
      401,
      /Not authorized/,
    ],
    [
      'the secret as a Bearer token',
      () => hookPost(delivery([uuid]), { authorization: `Bearer ${HOOK_SECRET}` }),
      401,
      /Not authorized/,
    ],
    [
      'an unknown connection',
      () => hookPost(delivery([uuid]), {}, { connection: 'no-such-connection' }),
      401,
      /Not authorized/,
    ],
    [
      'a connection name with ../',
      () => hookPost(delivery([uuid]), {}, { connection: '../default' }),
      401,
      /Not authorized/,
    ],
    ['malformed JSON', () => hookPost('{"data": {"events": [{"uuid": "x",'), 400, /not JSON/],
    ['a truncated delivery', () => hookPost(delivery([uuid]).slice(0, 80)), 400, /not JSON/],
    [
      'a delivery without data.events',
      () => hookPost(JSON.stringify({ ...JSON.parse(delivery([uuid])), data: {} })),
      400,
      /data\.events/,
    ],
    [
      'an envelope that is not an event hook delivery',
      () => hookPost(delivery([uuid], {}, { eventType: 'com.okta.oauth2.tokens.transform' })),
      400,
      /com\.okta\.event_hook/,
    ],
    [
      'an envelope from another org',
      () => hookPost(delivery([uuid], {}, { source: 'https://other.okta.com/api/v1/eventHooks/who1' })),
      400,
      /org/,
    ],
    ['an envelope without a source', () => hookPost(delivery([uuid], {}, { source: undefined })), 400, /source/],
    [
      'more than 1,000 events',
      () => hookPost(delivery(Array.from({ length: 1_001 }, () => uuid))),
      413,
      /at most 1000 events/,
    ],
    ['an oversized body', () => hookPost(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20)), 413, /bytes/],
  ];

  it.each(rows)('answers %s with its status and publishes nothing', async (_title, event, status, message) => {
    const answer = await eventHook(event());
    expect(answer.statusCode).toBe(status);
    expect(answer.body).toMatch(message);
  });
});

describe('the event hook refuses connections it cannot vouch for, each as 401 (issue 14 item 5)', () => {
  const good = () => delivery(['55555555-5555-4555-8555-555555555555']);
  beforeAll(() => {
    process.env.CONNECTIONS = 'default,no-hook-secret,denied';
    resetConfig();
    aws.secrets.put('okta-connector/no-hook-secret', { domain: sim.url, auth: { type: 'api-token', token: 'x' } });
    aws.secrets.denyReads('okta-connector/denied/event-hook');
  });
  afterAll(() => {
    delete process.env.CONNECTIONS;
    resetConfig();
  });
  const rows: Array<[string, string]> = [
    ['a connection the deployment does not configure', 'not-configured'],
    ['a connection name that only differs in case', 'DEFAULT'],
    ['a configured connection without a hook secret', 'no-hook-secret'],
    ['a configured connection whose hook secret IAM refuses', 'denied'],
  ];

  const verificationGet = (connection: string, challenge = 'e3b0c442-98fc-4c14-9afb-f4c8996fb924'): HookHttpEvent => ({
    requestContext: { http: { method: 'GET' } },
    headers: { 'x-okta-verification-challenge': challenge },
    queryStringParameters: { connection },
  });

  it.each(rows)('answers the verification GET for %s with 401, echoing no challenge', async (_title, connection) => {
    const answer = await eventHook(verificationGet(connection));
    expect(answer).toMatchObject({ statusCode: 401, body: JSON.stringify({ error: 'Not authorized' }) });
  });

  it.each([
    ['a challenge of 7 characters', 'abcdefg'],
    ['a challenge of 257 characters', 'a'.repeat(257)],
    ['a challenge with markup', '"><img src=x onerror=alert(1)>'],
    ['a challenge with a newline', 'abcdefgh\nX-Injected: 1'],
    ['a challenge with non-ASCII letters', 'ｖｅｒｉｆｙｖｅｒｉｆｙ'],
  ])('answers the verification GET with %s with 400, echoing nothing', async (_title, challenge) => {
    const answer = await eventHook(verificationGet('default', challenge));
    expect(answer.statusCode).toBe(400);
    expect(answer.body).not.toContain(challenge);
  });

  it.each(rows)('answers %s with 401 Not authorized and publishes nothing', async (_title, connection) => {
    const before = aws.eventBridge.entries().length;
    const answer = await eventHook(hookPost(good(), {}, { connection }));
    expect(answer).toMatchObject({ statusCode: 401, body: JSON.stringify({ error: 'Not authorized' }) });
    expect(aws.eventBridge.entries().length).toBe(before);
  });
});

describe('the event hook leaves out events no System Log holds, answers 200 and publishes nothing of them', () => {
  const uuid = '55555555-5555-4555-8555-555555555555';
  const rows: Array<[string, Record<string, unknown>]> = [
    ["the connector's own detail type", { eventType: 'Okta Event Search Results' }],
    ['an aws.* detail type', { eventType: 'aws.sts.assume_role' }],
    ['a detail type over 128 characters', { eventType: `user.${'x'.repeat(130)}` }],
    ['a uuid that is not a UUID', { uuid: 'not-a-uuid' }],
    ['published in 2099', { published: '2099-01-01T00:00:00.000Z' }],
    ['published before the dedupe window', { published: '2020-01-01T00:00:00.000Z' }],
    ['published that is not a time', { published: 'yesterday' }],
  ];

  it.each(rows)('%s', async (_title, event) => {
    const answer = await eventHook(hookPost(delivery([uuid], event)));
    expect(answer.statusCode).toBe(200);
  });
});

describe('a replayed hook delivery', () => {
  afterEach(() => {
    // This one publishes, once: the shared check's baseline moves by exactly the delivery's events.
    busSize += 3;
  });

  it('is answered 200 each time and its events are published once', async () => {
    const body = delivery([
      '22222222-2222-4222-8222-222222222222',
      '33333333-3333-4333-8333-333333333333',
      '44444444-4444-4444-8444-444444444444',
    ]);
    const answers = [await eventHook(hookPost(body)), await eventHook(hookPost(body)), await eventHook(hookPost(body))];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(aws.eventBridge.entries().length - busSize).toBe(3);
  });
});

describe('the poller, searches and replay refuse bad input', () => {
  const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
  const now = new Date().toISOString();
  const rows: Array<[string, () => Promise<unknown>, string, RegExp]> = [
    [
      'poll: a connection that is not a string',
      () => poll({ connection: 5 as unknown as string }, context),
      'InvalidInput',
      /connection/,
    ],
    [
      'poll: an unknown connection',
      () => poll({ connection: 'no-such-connection' }, context),
      'UnknownConnection',
      /no-such-connection/,
    ],
    [
      'poll: a connection name with ../',
      () => poll({ connection: '../default' }, context),
      'UnknownConnection',
      /connection name/,
    ],
    [
      'search: since that is not a date',
      () => search({ since: 'yesterday', until: now }, context),
      'InvalidInput',
      /since/,
    ],
    ['search: until before since', () => search({ since: now, until: dayAgo }, context), 'InvalidInput', /until/],
    [
      'search: a filter that is not a string',
      () => search({ since: dayAgo, until: now, filter: 5 as unknown as string }, context),
      'InvalidInput',
      /filter/,
    ],
    [
      'search: an unknown connection',
      () => search({ connection: 'no-such-connection', since: dayAgo, until: now }, context),
      'UnknownConnection',
      /no-such-connection/,
    ],
    [
      'search: an unterminated quote in the filter',
      () => search({ since: dayAgo, until: now, filter: 'eventType eq "x' }, context),
      'OktaValidationFailed',
      /./,
    ],
    [
      'search: a scheduled search that does not exist',
      () => search({ connection: 'default', search: 'no-such-search' }, context),
      'InvalidInput',
      /no-such-search/,
    ],
    [
      'replay: since past the 90 days Okta keeps',
      () => replay({ since: '2020-01-01T00:00:00Z', until: now }, context),
      'InvalidInput',
      /90 days/,
    ],
    ['replay: until before since', () => replay({ since: now, until: dayAgo }, context), 'InvalidInput', /until/],
    [
      'replay: an operator smuggled into a type',
      () => replay({ since: dayAgo, until: now, types: ['x" or eventType pr "'] }, context),
      'InvalidInput',
      /types/,
    ],
    [
      'replay: an unknown connection',
      () => replay({ connection: 'no-such-connection', since: dayAgo, until: now }, context),
      'UnknownConnection',
      /no-such-connection/,
    ],
  ];

  it.each(rows)('%s', async (_title, call, type, message) => {
    await expect(call()).rejects.toMatchObject({ name: type, message: match.stringMatching(message) });
  });
});

describe('the consent refuses bad input (issue 14.1, 14.16)', () => {
  const env = {
    ...process.env,
    OAUTH_REDIRECT_URI: 'https://connector.example.test/v1/oauth/callback',
    AUTHORIZATION_CODE_CONNECTIONS: 'web',
  };
  const startConsent = createStartConsentHandler({ env });
  const authorize = createAuthorizeHandler({ env });
  const webSecret = () => aws.secrets.get('okta-connector/web');

  beforeAll(() => {
    aws.secrets.put('okta-connector/web', {
      domain: sim.url,
      auth: {
        type: 'authorization-code',
        clientId: '0oabadinput',
        clientSecret: 'bad-input-secret',
        scopes: ['okta.users.read'],
      },
    });
  });

  function browser(path: string, query: Record<string, string>, cookie?: string) {
    return {
      httpMethod: 'GET',
      path,
      headers: cookie ? { Cookie: cookie } : {},
      queryStringParameters: query,
      requestContext: { path, stage: 'v1' },
    } as unknown as Parameters<typeof authorize>[0];
  }

  /** A consent started by the operator and opened in a browser: its state and the browser's cookie. */
  async function opened() {
    const { url } = await startConsent({ connection: 'web', replace: true });
    const page = await authorize(
      browser('/oauth/authorize', { consent: new URL(url).searchParams.get('consent') ?? '' }),
    );
    return {
      state: new URL(String(page.headers?.location)).searchParams.get('state') ?? '',
      cookie: String(page.headers?.['set-cookie']).split(';')[0] ?? '',
    };
  }

  const starts: Array<[string, unknown, RegExp]> = [
    ['not an object', 'web', /object/],
    ['an unknown field', { connection: 'web', scopes: ['okta.users.manage'] }, /scopes/],
    ['replace that is not a boolean', { connection: 'web', replace: 'true' }, /replace/],
    ['a consenter with spaces', { connection: 'web', consenter: 'a b' }, /consenter/],
    ['a connection that does not sign in with the authorization code', { connection: 'default' }, /connection/],
    ['a connection name with ../', { connection: '../web' }, /connection/],
  ];
  it.each(starts)('start: %s is InvalidInput', async (_title, input, message) => {
    await expect(startConsent(input)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: match.stringMatching(message),
    });
  });

  const pages: Array<
    [string, () => Promise<Parameters<typeof authorize>[0]>, typeof callback | typeof authorize, number, string]
  > = [
    [
      'authorize: no ticket',
      () => Promise.resolve(browser('/oauth/authorize', { connection: 'web' })),
      authorize,
      400,
      'not valid',
    ],
    [
      'authorize: a ticket that is markup',
      () => Promise.resolve(browser('/oauth/authorize', { consent: '<script>x</script>' })),
      authorize,
      400,
      'not valid',
    ],
    [
      'authorize: a ticket never issued',
      () => Promise.resolve(browser('/oauth/authorize', { consent: 'A'.repeat(43) })),
      authorize,
      400,
      'not valid',
    ],
    [
      'callback: no state',
      () => Promise.resolve(browser('/oauth/callback', { code: 'c' })),
      callback,
      400,
      'not valid',
    ],
    [
      'callback: no cookie',
      async () => browser('/oauth/callback', { code: 'c', state: (await opened()).state }),
      callback,
      400,
      'this browser',
    ],
    [
      'callback: a forged state',
      async () => browser('/oauth/callback', { code: 'c', state: 'forged' }, (await opened()).cookie),
      callback,
      400,
      'this browser',
    ],
    [
      'callback: another org as RFC 9207 iss',
      async () => {
        const { state, cookie } = await opened();
        return browser('/oauth/callback', { code: 'c', state, iss: 'https://evil.example' }, cookie);
      },
      callback,
      400,
      'expected Okta org',
    ],
    [
      'callback: an Okta error that is markup, with a description to reflect',
      async () => {
        const { state, cookie } = await opened();
        return browser('/oauth/callback', { state, error: '<b>x</b>', error_description: '<i>call us</i>' }, cookie);
      },
      callback,
      400,
      'Okta refused the consent',
    ],
  ];
  it.each(pages)('%s: a generic page, nothing stored, nothing reflected', async (_title, event, fn, status, text) => {
    const before = webSecret();
    const page = await fn(await event());
    expect(page.statusCode).toBe(status);
    expect(page.body).toContain(text);
    for (const reflected of ['<script>', '<b>', '<i>', 'call us', 'web', 'evil.example'])
      expect(page.body).not.toContain(reflected);
    expect(webSecret()).toBe(before);
  });
});
