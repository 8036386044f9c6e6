/**
 * create-user made safe to retry by `idempotencyKey`, on the real wire: the simulated org over HTTP, Powertools
 * Idempotency's records in dynalite (the connector's table: `pk` key, `expiresAt` TTL) through the real SDK client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { invoke, SHAPES, startHarness, type Harness } from './action-harness.js';
import { handler as createUser } from '../../../functions/actions/create-user.js';
import { handler as oktaRequest } from '../../../functions/actions/okta-request.js';
import { dynamoDb, resetAwsClients } from '../../../functions/lib/aws-clients.js';
import { resetConfig } from '../../../functions/lib/config.js';
import { match } from '../../support/match.js';

const TABLE = 'okta-connector-idempotency-test';
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.aws.createTable(TABLE);
  process.env.TABLE_NAME = TABLE;
  resetConfig();
  resetAwsClients();
});
afterAll(async () => {
  delete process.env.TABLE_NAME;
  await h?.close();
});

let n = 0;
function newUser(shape: string) {
  n += 1;
  const login = `idem.${shape}.${n}.${Date.now()}@example.com`;
  return {
    profile: { login, email: login, firstName: 'Idem', lastName: `Potent${n}` },
    password: 'a-long-Passphrase-42',
  };
}

/** The POSTs to /api/v1/users the simulated org received while `run` ran. */
async function creationsDuring(run: () => Promise<unknown>): Promise<number> {
  let creations = 0;
  const stop = h.sim.observe((req) => {
    if (req.method === 'POST' && req.url.pathname === '/api/v1/users') creations += 1;
  });
  try {
    await run();
  } finally {
    stop();
  }
  return creations;
}

describe.each(SHAPES)('create-user with idempotencyKey through %s', (shape) => {
  it('creates one user when called twice with the same key, and returns it both times', async () => {
    const input = { ...newUser(shape), idempotencyKey: `exec-${shape}-${n}` };
    const outcomes: Awaited<ReturnType<typeof invoke>>[] = [];
    const creations = await creationsDuring(async () => {
      outcomes.push(await invoke(createUser, 'create-user', input, shape));
      outcomes.push(await invoke(createUser, 'create-user', input, shape));
    });
    expect(creations).toBe(1);
    expect(outcomes[0]).toMatchObject({ status: 200, body: { id: match.any(String), status: 'ACTIVE' } });
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(
      h.sim.org.users().filter((u) => (u.profile as { login: string }).login === input.profile.login),
    ).toHaveLength(1);
  });

  it('refuses the same key with another input as InvalidInput naming idempotencyKey', async () => {
    const key = `exec-${shape}-reuse-${Date.now()}`;
    const first = await invoke(createUser, 'create-user', { ...newUser(shape), idempotencyKey: key }, shape);
    expect(first.status).toBe(200);
    const other = await invoke(createUser, 'create-user', { ...newUser(shape), idempotencyKey: key }, shape);
    expect(other).toMatchObject({ status: 400, type: 'InvalidInput' });
    expect(other.body.message).toContain('idempotencyKey');
  });

  it('runs again after a failed first attempt (a failure leaves no record)', async () => {
    const key = `exec-${shape}-fail-${Date.now()}`;
    const input = { ...newUser(shape), idempotencyKey: key };
    h.sim.control.addFault({
      type: 'server-error',
      status: 400,
      errorCode: 'E0000001',
      path: '^/api/v1/users$',
      count: 1,
    });
    const failed = await invoke(createUser, 'create-user', input, shape);
    expect(failed.status).toBe(400);
    const retried = await invoke(createUser, 'create-user', input, shape);
    expect(retried).toMatchObject({ status: 200, body: { profile: { login: input.profile.login } } });
  });

  it('without a key, two calls are two creations (the second a duplicate login)', async () => {
    const input = newUser(shape);
    expect((await invoke(createUser, 'create-user', input, shape)).status).toBe(200);
    expect(await invoke(createUser, 'create-user', input, shape)).toMatchObject({ type: 'OktaValidationFailed' });
  });
});

describe.each(SHAPES)('okta-request writes with idempotencyKey through %s', (shape) => {
  it('sends a POST once per key and answers the retry with the first answer', async () => {
    const { profile, password } = newUser(shape);
    const input = {
      method: 'POST',
      path: '/api/v1/users',
      query: { activate: true },
      body: { profile, credentials: { password: { value: password } } },
      idempotencyKey: `raw-${shape}-${Date.now()}`,
    };
    const outcomes: Awaited<ReturnType<typeof invoke>>[] = [];
    const creations = await creationsDuring(async () => {
      outcomes.push(await invoke(oktaRequest, 'okta-request', input, shape));
      outcomes.push(await invoke(oktaRequest, 'okta-request', input, shape));
    });
    expect(creations).toBe(1);
    expect(outcomes[0]).toMatchObject({
      status: 200,
      body: { status: 200, body: { profile: { login: profile.login } } },
    });
    expect(outcomes[1]).toEqual(outcomes[0]);
    const other = await invoke(oktaRequest, 'okta-request', { ...input, query: { activate: false } }, shape);
    expect(other).toMatchObject({ status: 400, type: 'InvalidInput' });
  });
});

describe('the idempotency records', () => {
  it('fit the table: pk prefixed idempotency#create-user, expiresAt in epoch seconds, no password', async () => {
    await invoke(createUser, 'create-user', { ...newUser('records'), idempotencyKey: 'records-key' }, 'direct');
    const items = (await dynamoDb().send(new ScanCommand({ TableName: TABLE }))).Items ?? [];
    const records = items.filter((item) => item.pk?.S?.startsWith('idempotency#create-user#'));
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      const expiresAt = Number(record.expiresAt?.N);
      expect(expiresAt).toBeGreaterThan(Date.now() / 1000);
      expect(expiresAt).toBeLessThan(Date.now() / 1000 + 25 * 3600);
      expect(JSON.stringify(record)).not.toContain('a-long-Passphrase-42');
    }
    const one = await dynamoDb().send(new GetItemCommand({ TableName: TABLE, Key: { pk: records[0]!.pk! } }));
    expect(one.Item?.status?.S).toBe('COMPLETED');
  });
});
