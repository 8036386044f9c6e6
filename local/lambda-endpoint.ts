/**
 * A local Lambda Invoke API (`POST /2015-03-31/functions/{FunctionName}/invocations`, REST-JSON), so a direct
 * invoke (the SDK's `LambdaClient`, the CLI's `--function-name`) runs the sandbox's functions as AWS would, in the
 * local runtime's containers: the payload in, the result out, and a thrown error as `X-Amz-Function-Error:
 * Unhandled` with `{errorType, errorMessage}` (the `errorType` is the CONTRACT type a Step Functions `Catch`
 * matches).
 *
 * As Lambda's API answers: an unknown function is 404 `ResourceNotFoundException`; a payload over 6 MB (1 MB for
 * an `Event` invocation) 413 `RequestEntityTooLargeException`; a payload that is not JSON 400
 * `InvalidRequestContentException`; a throttled invocation 429 `TooManyRequestsException`. `X-Amz-Log-Type: Tail`
 * returns the last 4 KB of the invocation's log, base64-encoded, in `X-Amz-Log-Result`.
 */
import { createServer, type ServerResponse } from 'node:http';
import { listen, readBody } from './aws/json-protocol.js';
import { logTail } from './runtime/lambda-log.js';
import type { InvokeOutcome, LocalFunction, LocalRuntime } from './runtime.js';

export interface LocalLambda {
  url: string;
  close(): Promise<void>;
}

const invokePath = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
/** Lambda's payload quotas: 6 MB for a synchronous invocation (request and response), 1 MB for an asynchronous one. */
const SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
const ASYNC_PAYLOAD_BYTES = 1024 * 1024;

/** Serves `functions` by their names (`okta-connector-<name>`, `<name>` or the function ARN). */
export async function startLocalLambda(options: {
  runtime: LocalRuntime;
  functions: LocalFunction[];
  port?: number;
}): Promise<LocalLambda> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const match = invokePath.exec(url.pathname);
      if (req.method !== 'POST' || !match)
        return sendError(res, 404, 'UnknownOperationException', `Unknown operation ${req.method} ${url.pathname}`);
      const requested = decodeURIComponent(match[1] as string);
      const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
      const body = await readBody(req);
      const limit = invocationType === 'Event' ? ASYNC_PAYLOAD_BYTES : SYNC_PAYLOAD_BYTES;
      if (Buffer.byteLength(body) > limit) {
        const operation = invocationType === 'Event' ? 'InvokeAsync' : 'InvokeFunction';
        return sendError(
          res,
          413,
          'RequestEntityTooLargeException',
          `Request must be smaller than ${limit} bytes for the ${operation} operation`,
        );
      }
      const fn = findFunction(options.functions, requested);
      if (!fn) {
        return sendError(
          res,
          404,
          'ResourceNotFoundException',
          `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${requested}`,
        );
      }
      let payload: unknown = {};
      try {
        payload = body === '' ? {} : JSON.parse(body);
      } catch (error) {
        return sendError(
          res,
          400,
          'InvalidRequestContentException',
          `Could not parse request body into json: Could not parse payload into json: ${(error as Error).message}`,
        );
      }
      if (invocationType === 'DryRun') return send(res, 204, {}, '');
      const running = options.runtime.invoke(fn, payload);
      if (invocationType === 'Event') {
        running.catch(() => undefined);
        return send(res, 202, {}, '');
      }
      const outcome = await running;
      if (outcome.throttled) return sendThrottle(res, outcome);
      const headers: Record<string, string> = {
        'x-amz-executed-version': '$LATEST',
        'x-amzn-requestid': outcome.requestId,
      };
      if (String(req.headers['x-amz-log-type'] ?? '') === 'Tail') headers['x-amz-log-result'] = logTail(outcome.log);
      const result = outcome.ok ? JSON.stringify(outcome.result ?? null) : '';
      if (outcome.ok && Buffer.byteLength(result) <= SYNC_PAYLOAD_BYTES) return send(res, 200, headers, result);
      const error = outcome.ok
        ? {
            errorType: 'Function.ResponseSizeTooLarge',
            errorMessage: `Response payload size exceeded maximum allowed payload size (${SYNC_PAYLOAD_BYTES} bytes).`,
          }
        : outcome.error;
      send(res, 200, { ...headers, 'x-amz-function-error': 'Unhandled' }, JSON.stringify({ ...error, trace: [] }));
    })().catch(() => sendError(res, 500, 'ServiceException', 'The local Lambda endpoint failed'));
  });
  const running = await listen(server, options.port ?? 0);
  return { url: running.url, close: running.close };
}

function findFunction(functions: LocalFunction[], requested: string): LocalFunction | undefined {
  const name = requested.startsWith('arn:') ? (requested.split(':')[6] ?? '') : requested;
  return functions.find((f) => f.name === name || `okta-connector-${f.name}` === name);
}

/** Lambda's throttle: 429 with the limit that was reached as `Reason`. */
function sendThrottle(res: ServerResponse, outcome: InvokeOutcome): void {
  const reason =
    outcome.throttled === 'reserved'
      ? 'ReservedFunctionConcurrentInvocationLimitExceeded'
      : 'ConcurrentInvocationLimitExceeded';
  send(
    res,
    429,
    { 'x-amzn-errortype': 'TooManyRequestsException', 'x-amzn-requestid': outcome.requestId },
    JSON.stringify({ Reason: reason, Type: 'User', message: 'Rate Exceeded.' }),
  );
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  send(res, status, { 'x-amzn-errortype': type }, JSON.stringify({ Type: 'User', message }));
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
