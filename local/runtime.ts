/**
 * The local Lambda runtime: every function runs as Lambda runs it, in containers of its own. A container is a child
 * process (runtime/container.ts) that loads one function's module once (the TypeScript entry through tsx, or its
 * esbuild bundle) and serves one invocation at a time, with only that function's environment and the heap limit
 * of its memory size. More containers start while every one is busy, up to the function's reserved concurrency or
 * the account's limit; past that an invocation is throttled. A timed-out invocation kills its container; a crash
 * is reported as Lambda reports it; idle containers are reused, then dropped. Each invocation is logged as Lambda
 * logs it (START, the function's lines, END, REPORT). docs/ARCHITECTURE.md "The local runtime" says why.
 *
 * Settings come from the stack itself: `stackSettings()` (runtime/stack-functions.ts) reads each function's
 * environment, memory size, timeout and reserved concurrency from the `OktaConnector` construct.
 */
import { isAbsolute, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FunctionPool,
  type AccountConcurrency,
  type FunctionStats,
  type InvokeOutcome,
} from './runtime/function-pool.js';

export type { InvokeOutcome, FunctionStats, ContainerInfo } from './runtime/function-pool.js';
export type { LambdaErrorPayload } from './runtime/protocol.js';

/** The repository root (local/ is one level below it). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A function as the runtime knows it; what it leaves out comes from the stack's settings for its entry. */
export interface LocalFunction {
  /** Short name, e.g. `get-user`; the Lambda function name is `okta-connector-<name>`. */
  name: string;
  /** The handler module, relative to the repository root (e.g. `functions/actions/get-user.ts`) or absolute. */
  entry: string;
  /** The exported handler, `handler` by default. */
  handlerExport?: string;
  timeoutSeconds?: number;
  memoryMb?: number;
  reservedConcurrency?: number;
  /** Variables of this function only, over the stack's and the runtime's. */
  environment?: Record<string, string>;
}

/** What the stack gives one function (its environment with the local endpoints substituted). */
export interface FunctionSettings {
  memoryMb: number;
  timeoutSeconds: number;
  reservedConcurrency?: number;
  environment: Record<string, string>;
}

export interface LocalRuntimeOptions {
  /** Variables every function gets (the local AWS endpoints, local switches), over the stack's own. */
  env?: Record<string, string>;
  /** The stack's settings of each function, by handler entry (`stackSettings().functions`). */
  functions?: Record<string, FunctionSettings>;
  /** Timeout of a function the stack does not know, 30 s by default. */
  timeoutSeconds?: number;
  /** Memory size of a function the stack does not know, 1024 MB by default. */
  memoryMb?: number;
  /**
   * The account's concurrency: most invocations in flight at once over every function without reserved
   * concurrency (Lambda's default is 1,000; locally 32 by default, each container being a Node.js process).
   */
  accountConcurrency?: number;
  /** Seconds an idle container is kept before it is dropped (the next invocation is then cold); 300 by default. */
  idleSeconds?: number;
  /** Where relative entries are found, and the containers' working directory; the repository root by default. */
  root?: string;
  /** Run bundles instead of entries: maps an entry to its bundle file (see cdk-bundles.ts for `cdk.out`). */
  bundles?: Record<string, string>;
  /** Receives each invocation's log (START … REPORT), as CloudWatch Logs would; dropped by default. */
  onLog?: (functionName: string, log: string) => void;
}

/** Every function's containers and counters. */
export interface RuntimeStats {
  functions: FunctionStats[];
  /** Containers alive now, over every function. */
  containers: number;
  /** Invocations in flight now, over every function, and the most there ever were at once (account-wide). */
  busy: number;
  peakBusy: number;
}

export interface LocalRuntime {
  /**
   * Runs one invocation of `fn` with `event` and waits for it. Never throws for the function's sake: a thrown
   * error, a timeout (`Sandbox.Timedout`), a crash (`Runtime.ExitError`, `Runtime.OutOfMemory`) or a throttle
   * (`TooManyRequestsException`, with `throttled` set) is an outcome with `ok: false`.
   */
  invoke(fn: LocalFunction, event: unknown): Promise<InvokeOutcome>;
  /** The containers of every function invoked so far, with their state, and the counters. */
  stats(): RuntimeStats;
  /** Kills every container; the runtime can still be used (the next invocations cold-start). */
  close(): Promise<void>;
}

/** Creates a runtime; no container starts before its function's first invocation. */
export function createLocalRuntime(options: LocalRuntimeOptions = {}): LocalRuntime {
  const root = options.root ?? REPO_ROOT;
  const account: AccountConcurrency = {
    limit: options.accountConcurrency ?? 32,
    unreserved: 0,
    inFlight: 0,
    peakInFlight: 0,
  };
  const pools = new Map<string, FunctionPool>();

  const poolFor = (fn: LocalFunction): FunctionPool => {
    const handlerExport = fn.handlerExport ?? 'handler';
    const key = `${fn.name}\n${fn.entry}\n${handlerExport}`;
    let pool = pools.get(key);
    if (!pool) {
      const stack = options.functions?.[fn.entry];
      const moduleFile = options.bundles?.[fn.entry] ?? (isAbsolute(fn.entry) ? fn.entry : resolve(root, fn.entry));
      pool = new FunctionPool(
        {
          functionName: `okta-connector-${fn.name}`,
          moduleFile,
          handlerExport,
          memoryMb: fn.memoryMb ?? stack?.memoryMb ?? options.memoryMb ?? 1024,
          timeoutSeconds: fn.timeoutSeconds ?? stack?.timeoutSeconds ?? options.timeoutSeconds ?? 30,
          reservedConcurrency: fn.reservedConcurrency ?? stack?.reservedConcurrency,
          environment: { ...stack?.environment, ...options.env, ...fn.environment },
          taskRoot: root,
        },
        account,
        (options.idleSeconds ?? 300) * 1000,
        options.onLog ?? (() => undefined),
      );
      pools.set(key, pool);
    }
    return pool;
  };

  return {
    invoke: (fn, event) => poolFor(fn).invoke(event),
    stats: () => {
      const functions = [...pools.values()].map((pool) => pool.stats());
      return {
        functions,
        containers: functions.reduce((sum, f) => sum + f.containers.length, 0),
        busy: account.inFlight,
        peakBusy: account.peakInFlight,
      };
    },
    close: () => {
      for (const pool of pools.values()) pool.close();
      return Promise.resolve();
    },
  };
}
