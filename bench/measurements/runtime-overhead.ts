/**
 * Measurement 7, the local runtime's own overhead (issue 12): a handler that does nothing, called warm a thousand
 * times directly (an `await` in this process), through the local runtime (`runtime.invoke`: the container is a
 * child process, the event and the answer cross Node's IPC channel, the invocation is logged as Lambda logs it),
 * and through the local Lambda Invoke API with `@aws-sdk/client-lambda` (HTTP on top). Overhead = latency minus
 * the direct call's, per percentile. It is what the sandbox, the load tests and the soak add to every invocation
 * compared with calling a handler in-process.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startLocalLambda } from '../../local/lambda-endpoint.js';
import { createLocalRuntime, type LocalFunction } from '../../local/runtime.js';
import { handler as echo } from '../fixtures/echo-handler.js';
import type { BenchContext } from '../bench-context.js';
import { cell, type MeasurementResult } from '../report.js';
import { percentile, round } from '../statistics.js';

export interface RuntimeOverheadFigures {
  directP50Ms: number;
  directP99Ms: number;
  runtimeP50Ms: number;
  runtimeP99Ms: number;
  invokeApiP50Ms: number;
  invokeApiP99Ms: number;
  /** Latency minus the direct call's, per percentile. */
  runtimeOverheadP50Ms: number;
  runtimeOverheadP99Ms: number;
  invokeApiOverheadP50Ms: number;
  invokeApiOverheadP99Ms: number;
  errors: number;
}

const fn: LocalFunction = { name: 'bench-echo', entry: 'bench/fixtures/echo-handler.ts', memoryMb: 512 };
const event = { userId: '00ub0oNGTSWTBKOLGLNR', connection: 'default' };

async function timed(times: number, call: () => Promise<boolean>): Promise<{ ms: number[]; errors: number }> {
  const ms: number[] = [];
  let errors = 0;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    if (!(await call())) errors += 1;
    ms.push(performance.now() - started);
  }
  return { ms, errors };
}

export async function measureRuntimeOverhead(ctx: BenchContext): Promise<MeasurementResult> {
  const warmup = ctx.quick ? 30 : 100;
  const iterations = ctx.quick ? 200 : 1000;
  const runtime = createLocalRuntime({ env: {} });
  const lambda = await startLocalLambda({ runtime, functions: [fn] });
  const client = new LambdaClient({
    endpoint: lambda.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const payload = new TextEncoder().encode(JSON.stringify(event));
  const calls = {
    direct: async () => (await echo(event)) !== undefined,
    runtime: async () => (await runtime.invoke(fn, event)).ok,
    invokeApi: async () =>
      (await client.send(new InvokeCommand({ FunctionName: 'okta-connector-bench-echo', Payload: payload })))
        .FunctionError === undefined,
  };
  try {
    // The container's cold start and the JIT's warm-up are not what is measured.
    for (const call of Object.values(calls)) await timed(warmup, call);
    const samples = { direct: [] as number[], runtime: [] as number[], invokeApi: [] as number[] };
    let errors = 0;
    // Interleaved in blocks of 50, so a change in the machine's load falls on all three alike.
    for (let done = 0; done < iterations; done += 50) {
      for (const [name, call] of Object.entries(calls) as Array<[keyof typeof samples, () => Promise<boolean>]>) {
        const block = await timed(Math.min(50, iterations - done), call);
        samples[name].push(...block.ms);
        errors += block.errors;
      }
    }
    const p = (name: keyof typeof samples, q: number) => round(percentile(samples[name], q), 3);
    const figures: RuntimeOverheadFigures = {
      directP50Ms: p('direct', 50),
      directP99Ms: p('direct', 99),
      runtimeP50Ms: p('runtime', 50),
      runtimeP99Ms: p('runtime', 99),
      invokeApiP50Ms: p('invokeApi', 50),
      invokeApiP99Ms: p('invokeApi', 99),
      runtimeOverheadP50Ms: round(p('runtime', 50) - p('direct', 50), 3),
      runtimeOverheadP99Ms: round(p('runtime', 99) - p('direct', 99), 3),
      invokeApiOverheadP50Ms: round(p('invokeApi', 50) - p('direct', 50), 3),
      invokeApiOverheadP99Ms: round(p('invokeApi', 99) - p('direct', 99), 3),
      errors,
    };
    const f = figures;
    return {
      id: 'runtime',
      title: "7. The local runtime's own overhead (ms; a handler that does nothing, warm)",
      status: errors === 0 ? 'measured' : 'partial',
      notes: [
        `${iterations} warm calls of each after ${warmup} of warm-up, interleaved in blocks of 50; ${errors} failed`,
        'runtime.invoke: one container (a child process); the event and the answer cross the IPC channel and the invocation is logged (START, END, REPORT). Invoke API: the same through local/lambda-endpoint.ts with @aws-sdk/client-lambda.',
      ],
      table: {
        columns: ['', 'p50', 'p99', 'overhead p50', 'overhead p99'],
        rows: [
          ['direct call', cell(f.directP50Ms, 3), cell(f.directP99Ms, 3), '', ''],
          [
            'runtime.invoke',
            cell(f.runtimeP50Ms, 3),
            cell(f.runtimeP99Ms, 3),
            cell(f.runtimeOverheadP50Ms, 3),
            cell(f.runtimeOverheadP99Ms, 3),
          ],
          [
            'Lambda Invoke API (SDK)',
            cell(f.invokeApiP50Ms, 3),
            cell(f.invokeApiP99Ms, 3),
            cell(f.invokeApiOverheadP50Ms, 3),
            cell(f.invokeApiOverheadP99Ms, 3),
          ],
        ],
      },
      figures: { iterations, ...figures },
    };
  } finally {
    client.destroy();
    await lambda.close();
    await runtime.close();
  }
}
