import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withLeaseLock, type LeaseLockDeps } from '../../../functions/lib/lease-lock.js';
import { startLocalAws, type LocalAws } from '../../../local/aws/index.js';

// On dynalite, so the condition expressions are evaluated by a DynamoDB and not by the test. The clock is injected:
// a lease ends when the test says so, not after a real wait.
let aws: LocalAws;
let client: DynamoDBClient;
const TABLE = 'lease-lock';
const START = 1_800_000_000_000;

beforeAll(async () => {
  aws = await startLocalAws();
  await aws.createTable(TABLE);
  client = new DynamoDBClient({
    endpoint: aws.endpoints.dynamodb,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client.destroy();
  await aws.close();
});

function lockDeps(clock: { ms: number }, overrides: Partial<LeaseLockDeps> = {}): LeaseLockDeps {
  return {
    dynamoDb: client,
    tableName: TABLE,
    leaseMs: 30_000,
    now: () => clock.ms,
    // Waiting moves the injected clock, so a contender reaches its deadline without real time passing.
    sleep: (ms) => {
      clock.ms += ms;
      return Promise.resolve();
    },
    ...overrides,
  };
}

async function lockItem(key: string) {
  const { Item } = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: key } } }));
  return Item;
}

describe('withLeaseLock', () => {
  it('acquires a free lock, runs the work with a lease of leaseMs from now and returns its value', async () => {
    const clock = { ms: START };
    const outcome = await withLeaseLock(
      'lock#acquire',
      START + 1_000,
      async (lock) => ({ lock, item: await lockItem('lock#acquire') }),
      lockDeps(clock),
    );

    expect(outcome.acquired).toBe(true);
    if (!outcome.acquired) return;
    expect(outcome.value.lock).toMatchObject({ key: 'lock#acquire', leaseUntil: START + 30_000 });
    expect(outcome.value.item).toMatchObject({
      pk: { S: 'lock#acquire' },
      state: { S: 'held' },
      owner: { S: outcome.value.lock.owner },
      leaseUntil: { N: String(START + 30_000) },
    });
  });

  it('releases the lock when the work ends, so the item is gone and the next caller gets it at once', async () => {
    const clock = { ms: START };
    await withLeaseLock('lock#release', START + 1_000, () => Promise.resolve('first'), lockDeps(clock));
    expect(await lockItem('lock#release')).toBeUndefined();

    let slept = 0;
    const second = await withLeaseLock(
      'lock#release',
      START + 1_000,
      () => Promise.resolve('second'),
      lockDeps(clock, {
        sleep: (ms) => {
          slept += ms;
          return Promise.resolve();
        },
      }),
    );
    expect(second).toEqual({ acquired: true, value: 'second' });
    expect(slept).toBe(0);
  });

  it('releases the lock when the work throws, and passes the error on', async () => {
    const clock = { ms: START };
    const failing = withLeaseLock(
      'lock#throws',
      START + 1_000,
      () => Promise.reject(new Error('work failed')),
      lockDeps(clock),
    );
    await expect(failing).rejects.toThrow('work failed');
    expect(await lockItem('lock#throws')).toBeUndefined();
  });

  it('does not give a held lock to a contender: it retries with waits, then reports acquired false at its deadline', async () => {
    const holderClock = { ms: START };
    const contenderClock = { ms: START };
    const waits: number[] = [];
    let workRan = false;

    const outcome = await withLeaseLock(
      'lock#contention',
      START + 1_000,
      () =>
        withLeaseLock(
          'lock#contention',
          START + 1_000,
          () => {
            workRan = true;
            return Promise.resolve();
          },
          lockDeps(contenderClock, {
            sleep: (ms) => {
              waits.push(ms);
              contenderClock.ms += ms;
              return Promise.resolve();
            },
          }),
        ),
      lockDeps(holderClock),
    );

    expect(outcome).toEqual({ acquired: true, value: { acquired: false } });
    expect(workRan).toBe(false);
    // The contender tried more than once (the contention it met is what made it wait) and never waited past its deadline.
    expect(waits.length).toBeGreaterThan(1);
    expect(contenderClock.ms).toBeLessThan(START + 1_000);
  });

  it('gives the lock to another caller once the lease of a holder that never released it is over', async () => {
    // A holder that stopped (a crashed or timed-out container): it holds the lock until the test lets it go.
    const crashed = holdLock('lock#expiry', { ms: START });
    const crashedOwner = await crashed.acquired;

    const early = await withLeaseLock(
      'lock#expiry',
      START + 29_000,
      () => Promise.resolve('too early'),
      lockDeps({ ms: START }),
    );
    expect(early).toEqual({ acquired: false });

    const after = await withLeaseLock(
      'lock#expiry',
      START + 31_000,
      async (lock) => ({ owner: lock.owner, item: await lockItem('lock#expiry') }),
      lockDeps({ ms: START + 30_001 }),
    );
    crashed.release();
    await crashed.done;

    expect(after.acquired).toBe(true);
    if (!after.acquired) return;
    expect(after.value.owner).not.toBe(crashedOwner);
    expect(after.value.item?.owner?.S).toBe(after.value.owner);
    expect(after.value.item?.leaseUntil?.N).toBe(String(START + 30_001 + 30_000));
  });

  it('releases only its own lease: a holder whose lease was taken over leaves the new holder its lock', async () => {
    const slow = holdLock('lock#owner', { ms: START });
    await slow.acquired;
    // The slow holder's lease is over; another caller takes the lock over and keeps it.
    const takeover = holdLock('lock#owner', { ms: START + 30_001 });
    const newOwner = await takeover.acquired;

    slow.release();
    await slow.done;
    expect((await lockItem('lock#owner'))?.owner?.S).toBe(newOwner);

    takeover.release();
    await takeover.done;
    expect(await lockItem('lock#owner')).toBeUndefined();
  });
});

/** Takes `key` and holds it until `release()`: `acquired` gives the owner, `done` settles once it is released. */
function holdLock(key: string, clock: { ms: number }) {
  let release = () => undefined as void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let acquiredAs: (owner: string) => void = () => undefined;
  const acquired = new Promise<string>((resolve) => {
    acquiredAs = resolve;
  });
  const done = withLeaseLock(
    key,
    clock.ms + 1_000,
    async (lock) => {
      acquiredAs(lock.owner);
      await released;
    },
    lockDeps(clock),
  ).then((outcome) => {
    if (!outcome.acquired) throw new Error(`holdLock: ${key} was not free`);
  });
  return { acquired, release: () => release(), done };
}
