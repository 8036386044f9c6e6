/**
 * Probe: pages through a list with one function, the way a caller of the contract does (`limit` per call, then
 * `after` until there is none), keeping only a count. Reports users per second and the process's peak RSS, so
 * that runs over 5,000 and 20,000 users show whether memory grows with the number of users.
 */
import { pathToFileURL } from 'node:url';
import { probeArgs, reportResult } from '../child-process.js';
import { peakRssBytes } from '../peak-rss.js';
import { lambdaContext } from '../lambda-invocation.js';

interface Args {
  bundle: string;
  functionName: string;
  /** The input of every call, without `limit` and `after`. */
  input: Record<string, unknown>;
  perCall: number;
  /** Stop once this many users were returned. */
  stopAfter: number;
}

export interface PagingResult {
  users: number;
  calls: number;
  ms: number;
  peakRssBytes: number;
  rssAfterLoadBytes: number;
  error?: string;
}

const args = probeArgs<Args>();
const module = (await import(pathToFileURL(args.bundle).href)) as {
  handler: (event: unknown, context: unknown) => Promise<{ users?: unknown[]; after?: string }>;
};
const rssAfterLoadBytes = process.memoryUsage().rss;
let users = 0;
let calls = 0;
let after: string | undefined;
let error: string | undefined;
const started = performance.now();
try {
  do {
    const output = await module.handler(
      { ...args.input, limit: args.perCall, ...(after ? { after } : {}) },
      lambdaContext(args.functionName),
    );
    calls += 1;
    users += output.users?.length ?? 0;
    after = output.after;
  } while (after && users < args.stopAfter);
} catch (thrown) {
  error = `${(thrown as Error).name}: ${(thrown as Error).message}`.slice(0, 300);
}
const ms = performance.now() - started;
const result: PagingResult = { users, calls, ms, peakRssBytes: peakRssBytes(), rssAfterLoadBytes, error };
reportResult(result);
process.exit(0);
