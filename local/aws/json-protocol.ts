/**
 * The AWS JSON 1.1 protocol as the local endpoints speak it: `POST /` with `X-Amz-Target: <Prefix>.<Operation>`,
 * a JSON body, a JSON answer, and errors as `{"__type": "<Code>", "message": "..."}` with a 4xx/5xx status, which
 * is what the AWS SDK v3 clients parse into their typed exceptions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardLoopback } from './loopback-guard.js';

/** An error the endpoint answers with AWS's error shape. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** An operation's answer, or a Promise of it. */
export type Operation = (input: Record<string, unknown>) => unknown;

/** A plain HTTP route served beside the protocol (e.g. `GET /events`). */
export type PlainRoute = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface JsonProtocolServerOptions {
  /** The target prefix, e.g. `AWSEvents` or `secretsmanager`. */
  targetPrefix: string;
  operations: Record<string, Operation>;
  /** Tried first for requests that carry no `X-Amz-Target`; returns true when it answered. */
  plainRoutes?: PlainRoute;
  /** Runs before every operation; may throw an `AwsError` (used for fault injection). */
  beforeOperation?: (operation: string) => void | Promise<void>;
}

export interface RunningServer {
  server: Server;
  url: string;
  close: () => Promise<void>;
}

/** Starts an HTTP server speaking the JSON 1.1 protocol on 127.0.0.1:`port` (0 = any free port). */
export async function startJsonProtocolServer(options: JsonProtocolServerOptions, port = 0): Promise<RunningServer> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      sendError(res, new AwsError('InternalFailure', `The local endpoint failed: ${String(error)}`, 500));
    });
  });
  return listen(server, port);
}

/**
 * Listens on 127.0.0.1, answering only requests addressed to a loopback name and not sent by another site's page
 * (`loopback-guard.ts`), and returns the URL and a close that also drops idle keep-alive sockets.
 */
export async function listen(server: Server, port: number): Promise<RunningServer> {
  guardLoopback(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(options: JsonProtocolServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = req.headers['x-amz-target'];
  if (typeof target !== 'string') {
    if (await options.plainRoutes?.(req, res)) return;
    sendError(res, new AwsError('UnknownOperationException', 'The request carries no X-Amz-Target header.'));
    return;
  }
  const body = await readBody(req);
  const [prefix, operationName = ''] = target.split('.', 2);
  const operation = prefix === options.targetPrefix ? options.operations[operationName] : undefined;
  if (req.method !== 'POST' || operation === undefined) {
    sendError(res, new AwsError('UnknownOperationException', `Unknown operation ${target}.`));
    return;
  }
  let input: Record<string, unknown>;
  try {
    const parsed: unknown = body.length === 0 ? {} : JSON.parse(body);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    input = parsed as Record<string, unknown>;
  } catch {
    sendError(res, new AwsError('SerializationException', 'The request body is not a JSON object.'));
    return;
  }
  try {
    await options.beforeOperation?.(operationName);
    const output = await operation(input);
    sendJson(res, 200, output ?? {});
  } catch (error) {
    if (error instanceof AwsError) sendError(res, error);
    else throw error;
  }
}

/** Reads a request body as UTF-8 text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: AwsError): void {
  if (res.headersSent) return;
  sendJson(res, error.status, { __type: error.code, message: error.message });
}

/** AWS JSON 1.1 timestamps are epoch seconds. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}
