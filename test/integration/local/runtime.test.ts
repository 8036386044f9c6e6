import { afterAll, describe, expect, it } from 'vitest';
import { createLocalRuntime } from '../../../local/runtime.js';
import { match } from '../../support/match.js';

const FIXTURES = 'test/integration/local/fixtures';
const SAVED_TABLE = process.env.TABLE_NAME;
const runtime = createLocalRuntime({ env: { TABLE_NAME: 'runtime-table' }, timeoutSeconds: 5 });
afterAll(() => {
  process.env.TABLE_NAME = SAVED_TABLE;
});

describe('local runtime', () => {
  it('runs the handler with the event and a Lambda context', async () => {
    const outcome = await runtime.invoke({ name: 'echo', entry: `${FIXTURES}/echo-handler.ts` }, { hello: 'world' });

    expect(outcome.ok).toBe(true);
    const body = JSON.parse((outcome as { result: { body: string } }).result.body) as {
      event: unknown;
      context: { remainingMs: number };
    };
    expect(body.event).toEqual({ hello: 'world' });
    expect(body.context).toMatchObject({
      functionName: 'okta-connector-echo',
      awsRequestId: outcome.requestId,
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:okta-connector-echo',
    });
    expect(body.context.remainingMs).toBeGreaterThan(4000);
    expect(body.context.remainingMs).toBeLessThanOrEqual(5000);
  });

  it('gives the handler the function environment', async () => {
    const outcome = await runtime.invoke({ name: 'echo', entry: `${FIXTURES}/echo-handler.ts` }, {});

    const body = JSON.parse((outcome as { result: { body: string } }).result.body) as { tableName: string };
    expect(body.tableName).toBe('runtime-table');
  });

  it('reports a thrown error as Lambda does: its name as errorType and its message, no stack', async () => {
    const outcome = await runtime.invoke({ name: 'failing', entry: `${FIXTURES}/failing-handler.ts` }, {});

    expect(outcome).toMatchObject({ ok: false, error: { errorType: 'OktaNotFound', errorMessage: 'No user 00u1' } });
    expect(JSON.stringify(outcome)).not.toContain('at ');
  });

  it('reports a timeout when the handler outlives the function timeout', async () => {
    const outcome = await runtime.invoke(
      { name: 'slow', entry: `${FIXTURES}/slow-handler.ts`, timeoutSeconds: 0.05 },
      { ms: 300 },
    );

    expect(outcome).toMatchObject({
      ok: false,
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 0.05 seconds' },
    });
  });

  it('says which handler file is missing', async () => {
    const outcome = await runtime.invoke({ name: 'missing', entry: 'functions/actions/no-such-action.ts' }, {});

    expect(outcome).toMatchObject({ ok: false, error: { errorMessage: match.stringContaining('no-such-action.ts') } });
  });

  it('reports a module without the handler export', async () => {
    const outcome = await runtime.invoke(
      { name: 'echo', entry: `${FIXTURES}/echo-handler.ts`, handlerExport: 'main' },
      {},
    );

    expect(outcome).toMatchObject({ ok: false, error: { errorType: 'Runtime.HandlerNotFound' } });
  });

  it('runs a bundle instead of the entry when one is given for the function', async () => {
    const bundled = createLocalRuntime({
      bundles: { [`${FIXTURES}/echo-handler.ts`]: `${process.cwd()}/${FIXTURES}/value-handler.ts` },
    });
    const outcome = await bundled.invoke(
      { name: 'echo', entry: `${FIXTURES}/echo-handler.ts` },
      { value: 'from the bundle' },
    );

    expect(outcome).toMatchObject({ ok: true, result: 'from the bundle' });
  });
});
