import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime, type FunctionSettings, type LocalRuntime } from '../../../local/runtime.js';
import { stackSettings, type StackSettings } from '../../../local/runtime/stack-functions.js';
import { match } from '../../support/match.js';

// The settings each function runs with come from the OktaConnector construct itself (infra/okta-connector.ts):
// actions 512 MB and 28 s, the event hook 10 s with a reserved concurrency of 200, the poller 55 s and 1, the OAuth
// functions 256 MB and 10 s; only the functions that publish get EVENT_BUS_NAME.
let functions: Record<string, FunctionSettings>;
let stack: StackSettings;
let runtime: LocalRuntime;
const queueUrl = (name: string) => `http://127.0.0.1:1/000000000000/${name}`;

beforeAll(() => {
  stack = stackSettings(
    {
      connections: ['default', 'web'],
      defaultConnection: 'default',
      authorizationCodeConnections: ['web'],
      bus: { type: 'existing', name: 'default' },
    },
    { TABLE_NAME: 'local-table', OAUTH_REDIRECT_URI: 'http://127.0.0.1:4001/oauth/callback' },
    queueUrl,
  );
  functions = stack.functions;
  runtime = createLocalRuntime({ functions });
}, 30_000);
afterAll(() => runtime.close());

describe("the stack's own function settings", () => {
  it('gives each function the memory size, timeout and reserved concurrency of the construct', () => {
    expect(functions['functions/actions/get-user.ts']).toMatchObject({ memoryMb: 512, timeoutSeconds: 28 });
    expect(functions['functions/actions/get-user.ts']?.reservedConcurrency).toBeUndefined();
    expect(functions['functions/triggers/event-hook.ts']).toMatchObject({
      timeoutSeconds: 10,
      reservedConcurrency: 200,
    });
    expect(functions['functions/triggers/poll-system-log.ts']).toMatchObject({
      timeoutSeconds: 55,
      reservedConcurrency: 1,
    });
    expect(functions['functions/oauth/authorize.ts']).toMatchObject({ memoryMb: 256, timeoutSeconds: 10 });
  });

  it("gives each function its own environment, the stack's references replaced by local values", () => {
    expect(functions['functions/triggers/event-hook.ts']?.environment).toMatchObject({
      TABLE_NAME: 'local-table',
      EVENT_BUS_NAME: 'default',
      DEFAULT_CONNECTION: 'default',
    });
    expect(functions['functions/actions/get-user.ts']?.environment).not.toHaveProperty('EVENT_BUS_NAME');
  });

  it("gives the consent its callback URL from the stack (the API's own), replaced by the local gateway's", () => {
    expect(functions['functions/oauth/authorize.ts']?.environment.OAUTH_REDIRECT_URI).toBe(
      'http://127.0.0.1:4001/oauth/callback',
    );
    expect(() =>
      stackSettings(
        {
          connections: ['web'],
          defaultConnection: 'web',
          authorizationCodeConnections: ['web'],
          bus: { type: 'existing', name: 'default' },
        },
        { TABLE_NAME: 'local-table' },
        queueUrl,
      ),
    ).toThrow(/OAUTH_REDIRECT_URI/);
  });

  it('refuses a reference the stack gives without a local value', () => {
    expect(() => stackSettings({ bus: { type: 'existing', name: 'default' } }, {}, queueUrl)).toThrow(/TABLE_NAME/);
  });

  it("gives the hook its hand-off queue's local URL, and the runtime the stack's queues and mapping", () => {
    const [deadLetters, deliveries] = stack.queues;
    expect(deliveries).toEqual({
      name: match.stringMatching(/HookDeliveries/),
      visibilityTimeoutSeconds: 180,
      deadLetter: { queue: deadLetters?.name, maxReceiveCount: 5 },
    });
    expect(functions['functions/triggers/event-hook.ts']?.environment.DELIVERY_QUEUE_URL).toBe(
      queueUrl(deliveries!.name),
    );
    expect(stack.eventSources).toEqual([
      {
        queue: deliveries?.name,
        entry: 'functions/triggers/publish-deliveries.ts',
        batchSize: 10,
        maxBatchingWindowSeconds: 0,
        reportBatchItemFailures: true,
        maxConcurrency: 2,
      },
    ]);
  });

  it("reports the stack's memory size in the REPORT line of a function run with these settings", async () => {
    const outcome = await runtime.invoke({ name: 'oauth-authorize', entry: 'functions/oauth/authorize.ts' }, {});

    expect(outcome.log).toMatch(/\tMemory Size: 256 MB\t/);
  }, 30_000);
});
