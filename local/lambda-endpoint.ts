/**
 * A local Lambda Invoke API (`POST /2015-03-31/functions/{FunctionName}/invocations`, REST-JSON), so a direct
 * invoke (the SDK's `LambdaClient`, the CLI's `--function-name`) runs the sandbox's functions as AWS would: the
 * payload in, the result out, and a thrown error as `X-Amz-Function-Error: Unhandled` with
 * `{errorType, errorMessage}` (the `errorType` is the CONTRACT type a Step Functions `Catch` matches).
 */
import { createServer, type ServerResponse } from 'node:http';
import { listen, readBody } from './aws/json-protocol.js';
import type { LocalFunction, LocalRuntime } from './runtime.js';

export interface LocalLambda {
  url: string;
  close(): Promise<void>;
}

const invokePath = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

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
      const fn = findFunction(options.functions, requested);
      const body = await readBody(req);
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
      } catch {
        return sendError(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
      }
      const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
      if (invocationType === 'DryRun') return send(res, 204, {}, '');
      const running = options.runtime.invoke(fn, payload);
      if (invocationType === 'Event') return send(res, 202, {}, '');
      const outcome = await running;
      const headers = { 'x-amz-executed-version': '$LATEST', 'x-amzn-requestid': outcome.requestId };
      if (outcome.ok) return send(res, 200, headers, JSON.stringify(outcome.result ?? null));
      send(
        res,
        200,
        { ...headers, 'x-amz-function-error': 'Unhandled' },
        JSON.stringify({ ...outcome.error, trace: [] }),
      );
    })().catch(() => sendError(res, 500, 'ServiceException', 'The local Lambda endpoint failed'));
  });
  const running = await listen(server, options.port ?? 0);
  return { url: running.url, close: running.close };
}

function findFunction(functions: LocalFunction[], requested: string): LocalFunction | undefined {
  const name = requested.startsWith('arn:') ? (requested.split(':')[6] ?? '') : requested;
  return functions.find((f) => f.name === name || `okta-connector-${f.name}` === name);
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  send(res, status, { 'x-amzn-errortype': type }, JSON.stringify({ Type: 'User', message }));
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
