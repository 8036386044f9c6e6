/**
 * The local Lambda runtime: runs a handler module (the TypeScript entry through tsx, or an esbuild bundle) in
 * this process with a Lambda `context` and the function's environment, as the Lambda Node.js runtime would.
 *
 * All functions share this process, so they share `process.env` (every function of the stack gets the same
 * settings) and module state (like warm containers that never go cold). A timed-out invocation is reported as
 * Lambda reports it, but its work is not killed.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

/** The repository root (local/ is one level below it). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A function as the runtime knows it. */
export interface LocalFunction {
  /** Short name, e.g. `get-user`; the Lambda function name is `okta-connector-<name>`. */
  name: string;
  /** The handler module, relative to the repository root (e.g. `functions/actions/get-user.ts`) or absolute. */
  entry: string;
  /** The exported handler, `handler` by default. */
  handlerExport?: string;
  timeoutSeconds?: number;
  memoryMb?: number;
}

/** A thrown error as Lambda's Invoke API reports it. */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
}

/** What an invocation gave: the handler's result, or its error. */
export type InvokeOutcome = ({ ok: true; result: unknown } | { ok: false; error: LambdaErrorPayload }) & {
  requestId: string;
  durationMs: number;
};

export interface LocalRuntimeOptions {
  /** Environment of every function, merged into `process.env` once (docs/ARCHITECTURE.md settings). */
  env?: Record<string, string>;
  /** Default timeout of a function, 30 s. */
  timeoutSeconds?: number;
  /** Where relative entries are found; the repository root by default. */
  root?: string;
  /** Run bundles instead of entries: maps an entry to its bundle file (see cdk-bundles.ts for `cdk.out`). */
  bundles?: Record<string, string>;
}

export interface LocalRuntime {
  invoke(fn: LocalFunction, event: unknown): Promise<InvokeOutcome>;
}

type Handler = (event: unknown, context: Context) => unknown;

/** Creates a runtime; the environment is applied now, before any handler module is loaded. */
export function createLocalRuntime(options: LocalRuntimeOptions = {}): LocalRuntime {
  Object.assign(process.env, options.env ?? {});
  const root = options.root ?? repoRoot;
  const modules = new Map<string, Promise<Record<string, unknown>>>();

  const load = (fn: LocalFunction): Promise<Record<string, unknown>> => {
    const bundle = options.bundles?.[fn.entry];
    const file = bundle ?? (isAbsolute(fn.entry) ? fn.entry : resolve(root, fn.entry));
    let loaded = modules.get(file);
    if (!loaded) {
      if (!existsSync(file))
        return Promise.reject(new Error(`The handler file ${file} of function ${fn.name} does not exist.`));
      loaded = import(pathToFileURL(file).href) as Promise<Record<string, unknown>>;
      modules.set(file, loaded);
      loaded.catch(() => modules.delete(file));
    }
    return loaded;
  };

  return {
    async invoke(fn, event) {
      const requestId = crypto.randomUUID();
      const started = Date.now();
      const timeoutMs = (fn.timeoutSeconds ?? options.timeoutSeconds ?? 30) * 1000;
      const finish = (
        outcome: { ok: true; result: unknown } | { ok: false; error: LambdaErrorPayload },
      ): InvokeOutcome => ({
        ...outcome,
        requestId,
        durationMs: Date.now() - started,
      });
      let timer: NodeJS.Timeout | undefined;
      try {
        const module = await load(fn);
        const handler =
          module[fn.handlerExport ?? 'handler'] ??
          (module.default as Record<string, unknown> | undefined)?.[fn.handlerExport ?? 'handler'];
        if (typeof handler !== 'function') {
          return finish({
            ok: false,
            error: {
              errorType: 'Runtime.HandlerNotFound',
              errorMessage: `${fn.entry} does not export ${fn.handlerExport ?? 'handler'}`,
            },
          });
        }
        const context = lambdaContext(fn, requestId, started + timeoutMs);
        const timedOut = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new LambdaTimeout(timeoutMs)), timeoutMs);
        });
        const result = await Promise.race([Promise.resolve((handler as Handler)(event, context)), timedOut]);
        return finish({ ok: true, result });
      } catch (error) {
        return finish({ ok: false, error: lambdaError(error) });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

class LambdaTimeout extends Error {
  override readonly name = 'Sandbox.Timedout';
  constructor(timeoutMs: number) {
    super(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
  }
}

/** The error as Lambda reports a thrown error: its `name` as `errorType`, its message, never the stack. */
function lambdaError(error: unknown): LambdaErrorPayload {
  if (error instanceof Error) return { errorType: error.name || 'Error', errorMessage: error.message };
  return { errorType: 'Error', errorMessage: String(error) };
}

/** A Lambda `context` like the Node.js runtime's. */
export function lambdaContext(fn: LocalFunction, requestId: string, deadline: number): Context {
  const functionName = `okta-connector-${fn.name}`;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? 'us-east-1'}:000000000000:function:${functionName}`,
    memoryLimitInMB: String(fn.memoryMb ?? 1024),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
