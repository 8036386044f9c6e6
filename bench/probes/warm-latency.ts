/**
 * Probe: the warm latency of one function against the simulated org, beside a bare `fetch` of the same Okta
 * request from the same process (the baseline: the simulator's own time plus the network, with no client code).
 * Calls alternate (fetch, function, fetch, function…) so drift in the machine's load hits both the same way.
 */
import { pathToFileURL } from 'node:url';
import { probeArgs, reportResult } from '../child-process.js';
import { lambdaContext } from '../lambda-invocation.js';

interface Args {
  bundle: string;
  functionName: string;
  event: unknown;
  /** The Okta request the function makes, sent bare for the baseline. */
  baseline: { url: string; headers: Record<string, string> };
  warmup: number;
  iterations: number;
}

export interface WarmLatencyResult {
  functionMs: number[];
  baselineMs: number[];
  errors: number;
  firstError?: string;
}

const args = probeArgs<Args>();
const module = (await import(pathToFileURL(args.bundle).href)) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};
const result: WarmLatencyResult = { functionMs: [], baselineMs: [], errors: 0 };

async function bareFetch(): Promise<number> {
  const started = performance.now();
  const response = await fetch(args.baseline.url, { headers: args.baseline.headers });
  await response.arrayBuffer();
  return performance.now() - started;
}

async function invoke(): Promise<number> {
  const started = performance.now();
  try {
    await module.handler(args.event, lambdaContext(args.functionName));
  } catch (error) {
    result.errors += 1;
    result.firstError ??= `${(error as Error).name}: ${(error as Error).message}`.slice(0, 300);
  }
  return performance.now() - started;
}

for (let i = 0; i < args.warmup; i++) {
  await bareFetch();
  await invoke();
}
for (let i = 0; i < args.iterations; i++) {
  result.baselineMs.push(await bareFetch());
  result.functionMs.push(await invoke());
}
reportResult(result);
process.exit(0);
