/**
 * The bootstrap of one container: the child process the local runtime forks for one function, playing the part
 * of Lambda's Node.js runtime (`/var/runtime/index.mjs`). It loads the handler module once (the init), then runs
 * one invocation at a time as the parent asks over the IPC channel (protocol.ts).
 *
 * As in Lambda, `console` writes `<time>\t<request id>\t<LEVEL>\t<message>` lines, and everything the function
 * writes to stdout or stderr is its log: here it goes to the parent in order with the results, so each line is
 * attributed to the invocation that wrote it. An uncaught exception ends the container with exit status 129, as
 * Lambda's runtime exits, and the parent reports `Runtime.ExitError`.
 *
 * Usage (by container.ts): `node --import tsx bootstrap.ts <module file> <handler export>`.
 */
import { format } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FromContainer, LambdaErrorPayload, ToContainer } from './protocol.js';

const [MODULE_FILE = '', HANDLER_EXPORT = 'handler'] = process.argv.slice(2);
let currentRequestId: string | undefined;

const send = (message: FromContainer, then?: () => void) => {
  if (process.connected) process.send?.(message, undefined, undefined, then);
};

routeOutputToParent();
process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (error) => {
  writeLogLine('ERROR', `Uncaught Exception \t${JSON.stringify(lambdaError(error))}`);
  send({ type: 'log', text: '' }, () => process.exit(129));
});

const handler = await loadHandler();
if (handler) {
  send({ type: 'ready' });
  process.on('message', (message: ToContainer) => {
    if (message.type === 'invoke') void invoke(handler, message);
  });
}

type Handler = (event: unknown, context: Context, callback?: (error: unknown, result?: unknown) => void) => unknown;

async function loadHandler(): Promise<Handler | undefined> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(MODULE_FILE).href)) as Record<string, unknown>;
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
    return initFailed(
      missing
        ? { errorType: 'Runtime.ImportModuleError', errorMessage: `Error: Cannot find module '${MODULE_FILE}'` }
        : lambdaError(error),
    );
  }
  const found =
    module[HANDLER_EXPORT] ?? (module.default as Record<string, unknown> | undefined)?.[HANDLER_EXPORT] ?? undefined;
  if (typeof found !== 'function') {
    return initFailed({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: `${MODULE_FILE}.${HANDLER_EXPORT} is undefined or not exported`,
    });
  }
  return found as Handler;
}

function initFailed(error: LambdaErrorPayload): undefined {
  writeLogLine('ERROR', `Init Error \t${JSON.stringify(error)}`);
  send({ type: 'init-error', error }, () => process.exit(1));
  return undefined;
}

async function invoke(handler: Handler, message: Extract<ToContainer, { type: 'invoke' }>): Promise<void> {
  currentRequestId = message.requestId;
  const context = lambdaContext(message.requestId, message.deadline);
  let outcome: { ok: true; result: unknown } | { ok: false; error: LambdaErrorPayload };
  try {
    const result = await callHandler(handler, message.event, context);
    // What the Invoke API returns is the JSON of the result: serialize here so a value IPC cannot carry fails as
    // it would in Lambda, inside the invocation.
    outcome = { ok: true, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) };
  } catch (error) {
    writeLogLine('ERROR', `Invoke Error \t${JSON.stringify(lambdaError(error))}`);
    outcome = { ok: false, error: lambdaError(error) };
  }
  currentRequestId = undefined;
  send({ type: 'result', requestId: message.requestId, outcome, maxRssKb: process.resourceUsage().maxRSS });
}

/** An async handler's promise, or a callback handler's callback (`(event, context, callback)`), as Lambda accepts both. */
function callHandler(handler: Handler, event: unknown, context: Context): Promise<unknown> {
  if (handler.length < 3) return Promise.resolve(handler(event, context));
  return new Promise((resolve, reject) => {
    // Lambda fails the invocation with whatever value the callback's error is, an Error or not.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const returned = handler(event, context, (error, result) => (error ? reject(error) : resolve(result)));
    if (returned && typeof (returned as Promise<unknown>).then === 'function')
      (returned as Promise<unknown>).then(resolve, reject);
  });
}

/** The Lambda `context` of the Node.js runtime, from the container's environment and this invocation. */
function lambdaContext(requestId: string, deadline: number): Context {
  const env = process.env;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? '',
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${env.AWS_REGION ?? 'us-east-1'}:000000000000:function:${env.AWS_LAMBDA_FUNCTION_NAME}`,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '',
    awsRequestId: requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * The error as Lambda reports a thrown error: its `name` as `errorType`, its message. Never the stack, in the
 * result or in the log (Lambda logs it, but the Invoke API returns the log's tail to the caller).
 */
function lambdaError(error: unknown): LambdaErrorPayload {
  if (error instanceof Error) return { errorType: error.name || 'Error', errorMessage: error.message };
  return { errorType: 'Error', errorMessage: String(error) };
}

function writeLogLine(level: string, text: string): void {
  process.stdout.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${text}\n`);
}

/** Sends stdout and stderr over the IPC channel and gives `console` Lambda's line format. */
function routeOutputToParent(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.write = (chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      send({ type: 'log', text });
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    };
  }
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
  for (const [method, level] of Object.entries(levels)) {
    (console as unknown as Record<string, (...args: unknown[]) => void>)[method] = (...args) =>
      writeLogLine(level, format(...args));
  }
}
