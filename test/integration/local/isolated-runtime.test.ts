import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException,
  InvalidRequestContentException,
  TooManyRequestsException,
  type InvokeCommandOutput,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../local/gateway.js';
import { startLocalLambda, type LocalLambda } from '../../../local/lambda-endpoint.js';
import { createLocalRuntime, type LocalFunction } from '../../../local/runtime.js';
import { match } from '../../support/match.js';

// Each function runs in containers of its own (child processes), driven here through the local Invoke API with the
// real SDK client, as a Step Functions task or the CLI would. One runtime for the file: its warm containers are
// reused from test to test, and each test names the functions it starts cold.
const ENTRY = 'test/integration/local/fixtures/container-handler.ts';
const functions: LocalFunction[] = [
  { name: 'alpha', entry: ENTRY, memoryMb: 640, environment: { ONLY_A: 'for alpha only' } },
  { name: 'beta', entry: ENTRY },
  { name: 'pair', entry: ENTRY },
  { name: 'slow', entry: ENTRY, timeoutSeconds: 0.5 },
  { name: 'single', entry: ENTRY, reservedConcurrency: 1 },
  { name: 'crashing', entry: ENTRY },
  { name: 'hungry', entry: ENTRY, memoryMb: 128 },
];
const runtime = createLocalRuntime({ env: { TABLE_NAME: 'shared-table' } });
let lambda: LocalLambda;
let gateway: Gateway;
let client: LambdaClient;
let scratch: string;

beforeAll(async () => {
  lambda = await startLocalLambda({ runtime, functions });
  gateway = await startGateway({ runtime, routes: { actions: [], eventHook: ENTRY } });
  client = new LambdaClient({
    endpoint: lambda.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  scratch = mkdtempSync(join(tmpdir(), 'isolated-runtime-'));
});
afterAll(async () => {
  client.destroy();
  await Promise.all([lambda.close(), gateway.close(), runtime.close()]);
  rmSync(scratch, { recursive: true, force: true });
});

interface Answer {
  invocations: number;
  pid: number;
  onlyA: string | null;
  tableName: string | null;
}

const invoke = (name: string, event: object = {}) =>
  client.send(
    new InvokeCommand({
      FunctionName: `okta-connector-${name}`,
      LogType: 'Tail',
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
const answer = (output: InvokeCommandOutput) => JSON.parse(new TextDecoder().decode(output.Payload)) as Answer;
const logOf = (output: InvokeCommandOutput) => Buffer.from(output.LogResult ?? '', 'base64').toString('utf8');
const reportOf = (output: InvokeCommandOutput) => logOf(output).match(/^REPORT .*$/m)?.[0] ?? '';
const containersOf = (name: string) =>
  runtime.stats().functions.find((f) => f.functionName === `okta-connector-${name}`)?.containers ?? [];
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('logs through the Invoke API with LogType Tail', () => {
  it('shows a REPORT with Init Duration on the first call and without it on the next, with the memory size', async () => {
    const first = await invoke('alpha');
    const second = await invoke('alpha');

    expect(reportOf(first)).toMatch(
      /^REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 640 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms/,
    );
    expect(reportOf(second)).toMatch(/Memory Size: 640 MB\tMax Memory Used: \d+ MB\t$/);
    expect(reportOf(second)).not.toContain('Init Duration');
  });

  it("writes START, the function's own lines in Lambda's format, END and REPORT, for that request id", async () => {
    const output = await invoke('alpha');
    const lines = logOf(output).trimEnd().split('\n');
    const requestId = output.$metadata.requestId ?? /START RequestId: (\S+)/.exec(lines[0] ?? '')?.[1];

    expect(lines[0]).toBe(`START RequestId: ${requestId} Version: $LATEST`);
    expect(lines[1]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${requestId}\\tINFO\\tinvocation \\d+$`));
    expect(lines[2]).toBe(`END RequestId: ${requestId}`);
    expect(lines[3]).toMatch(new RegExp(`^REPORT RequestId: ${requestId}\\t`));
  });

  it('starts one container per concurrent invocation, each a cold start of its own', async () => {
    const [one, two] = await Promise.all([invoke('pair', { ms: 300 }), invoke('pair', { ms: 300 })]);

    expect(reportOf(one)).toContain('Init Duration');
    expect(reportOf(two)).toContain('Init Duration');
    expect(answer(one).pid).not.toBe(answer(two).pid);
    expect(containersOf('pair')).toHaveLength(2);
  });
});

describe('isolation between containers and functions', () => {
  it('keeps module state per container: another container of the same function starts from nothing', async () => {
    const warm = answer(await invoke('beta'));
    const again = answer(await invoke('beta'));
    const [busy, extra] = (await Promise.all([invoke('beta', { ms: 300 }), invoke('beta', { ms: 300 })])).map(answer);

    expect(again).toMatchObject({ pid: warm.pid, invocations: warm.invocations + 1 });
    expect([busy, extra].map((a) => a?.invocations).sort()).toEqual([1, warm.invocations + 2]);
  });

  it('keeps module state per function: another function of the same code starts from nothing', async () => {
    await invoke('alpha');
    const other = answer(await invoke('beta'));
    const alpha = answer(await invoke('alpha'));

    expect(alpha.invocations).toBeGreaterThan(1);
    expect(other.pid).not.toBe(alpha.pid);
    expect(containersOf('beta').map((c) => c.pid)).not.toContain(alpha.pid);
  });

  it("gives a variable of one function's environment to that function only", async () => {
    expect(answer(await invoke('alpha'))).toMatchObject({ onlyA: 'for alpha only', tableName: 'shared-table' });
    expect(answer(await invoke('beta'))).toMatchObject({ onlyA: null, tableName: 'shared-table' });
  });
});

describe('timeouts, crashes and throttles', () => {
  it('ends a timed-out invocation with Sandbox.Timedout and kills its container, so its work stops', async () => {
    const marker = join(scratch, 'timed-out-work');
    const warm = answer(await invoke('slow'));
    const output = await invoke('slow', { ms: 2_000, markerFile: marker, markAfterMs: 900 });
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    expect(output.FunctionError).toBe('Unhandled');
    expect(JSON.parse(new TextDecoder().decode(output.Payload))).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: 'Task timed out after 0.50 seconds',
    });
    expect(reportOf(output)).toContain('Status: timeout');
    expect(isAlive(warm.pid)).toBe(false);
    expect(existsSync(marker)).toBe(false);
  });

  it('cold-starts a new container for the invocation after a timeout', async () => {
    const output = await invoke('slow');

    expect(reportOf(output)).toContain('Init Duration');
    expect(answer(output).invocations).toBe(1);
  });

  it('throttles past the reserved concurrency: 429 TooManyRequestsException on the Invoke API', async () => {
    const results = await Promise.allSettled([invoke('single', { ms: 500 }), invoke('single', { ms: 500 })]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(TooManyRequestsException);
    expect(refused.reason).toMatchObject({
      $metadata: { httpStatusCode: 429 },
      Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    });
  });

  it('throttles a Function URL past the reserved concurrency with 429 Rate Exceeded', async () => {
    // The gateway's event hook runs the entry with the settings the stack gives it: here a reserved concurrency of 1.
    const limited = createLocalRuntime({
      functions: { [ENTRY]: { memoryMb: 256, timeoutSeconds: 5, reservedConcurrency: 1, environment: {} } },
    });
    const hook = await startGateway({ runtime: limited, routes: { actions: [], eventHook: ENTRY } });
    try {
      const post = () => fetch(hook.eventHookUrl, { method: 'POST', body: JSON.stringify({ ms: 500 }) });
      const answers = await Promise.all([post(), post()]);
      const statuses = answers.map((r) => r.status).sort();

      expect(statuses).toEqual([200, 429]);
      expect(await answers.find((r) => r.status === 429)?.json()).toEqual({ Message: 'Rate Exceeded.' });
    } finally {
      await hook.close();
      await limited.close();
    }
  });

  it('reports an uncaught exception as Runtime.ExitError and replaces the container', async () => {
    const crashed = await invoke('crashing', { crash: true, ms: 1_000 });
    const next = await invoke('crashing');

    expect(JSON.parse(new TextDecoder().decode(crashed.Payload))).toMatchObject({
      errorType: 'Runtime.ExitError',
      errorMessage: match.stringMatching(/Error: Runtime exited with error: exit status 129$/),
    });
    expect(logOf(crashed)).toMatch(
      /ERROR\tUncaught Exception \t\{"errorType":"Error","errorMessage":"thrown outside the invocation"\}/,
    );
    expect(reportOf(next)).toContain('Init Duration');
    expect(answer(next).invocations).toBe(1);
  });

  it('limits the heap as Lambda does for the memory size and reports running out as Runtime.OutOfMemory', async () => {
    const output = await invoke('hungry', { exhaustHeap: true });

    expect(JSON.parse(new TextDecoder().decode(output.Payload))).toMatchObject({ errorType: 'Runtime.OutOfMemory' });
    expect(containersOf('hungry')).toHaveLength(0);
  }, 30_000);
});

describe('bad input on the Invoke API, as Lambda answers it', () => {
  it('answers 404 ResourceNotFoundException for an unknown function', async () => {
    await expect(invoke('nope')).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(invoke('nope')).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('answers 413 RequestEntityTooLargeException for a payload over 6 MB', async () => {
    const payload = new TextEncoder().encode(JSON.stringify({ blob: 'x'.repeat(6 * 1024 * 1024) }));
    const sent = client.send(new InvokeCommand({ FunctionName: 'okta-connector-beta', Payload: payload }));

    // Lambda's wire type; the SDK models the same 413 as RequestTooLargeException but reads the type it was sent.
    await expect(sent).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException',
      $metadata: { httpStatusCode: 413 },
    });
  });

  it('answers 400 InvalidRequestContentException for a payload that is not JSON', async () => {
    const sent = client.send(
      new InvokeCommand({ FunctionName: 'okta-connector-beta', Payload: new TextEncoder().encode('{not json') }),
    );

    await expect(sent).rejects.toBeInstanceOf(InvalidRequestContentException);
    await expect(sent).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });
});

describe('idle containers', () => {
  it('are dropped after the idle time, and the next invocation is cold', async () => {
    const brief = createLocalRuntime({ idleSeconds: 0.3 });
    const fn = { name: 'brief', entry: ENTRY };
    try {
      const first = await brief.invoke(fn, {});
      const warm = await brief.invoke(fn, {});
      await new Promise((resolve) => setTimeout(resolve, 700));
      const containersAfterIdle = brief.stats().containers;
      const after = await brief.invoke(fn, {});

      expect([first.coldStart, warm.coldStart, after.coldStart]).toEqual([true, false, true]);
      expect(containersAfterIdle).toBe(0);
    } finally {
      await brief.close();
    }
  });
});
