/**
 * How the Okta client sends a request: `node:http`/`node:https` with one keep-alive agent per container, not Node's
 * `fetch`. Measured on the bench machine (BENCHMARKS.md "Cold start"): Node 20 loads `fetch`'s implementation
 * (undici) on its first call, which made the first request to the simulated org cost 44-171 ms (median about 70)
 * against 8-24 ms through `node:http`, whose code the AWS SDK has loaded already; warm, a GET took 0.63 ms at p50
 * through `fetch` and 0.36 ms through `node:http`. The answer is read whole before it is handed back, as the client
 * reads every answer whole; a compressed one is inflated with `node:zlib`, loaded only then.
 *
 * It has the shape of the part of `fetch` the client uses, so a test can still pass `fetch` itself, or a fake.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** The headers of an answer, read by name (case-insensitive), as `Headers.get` reads them. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** What the client reads of an answer. */
export interface HttpAnswer {
  status: number;
  ok: boolean;
  headers: HeaderReader;
  text(): Promise<string>;
}

export interface HttpInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Aborts the whole exchange, the answer's body included; its reason is what the call rejects with. */
  signal: AbortSignal;
  /** Only `error` (Okta's API never redirects): here a 3xx is an answer like any other, never followed. */
  redirect: 'error';
}

/** The client's way of sending one request; `fetch` is one. */
export type HttpSend = (url: URL, init: HttpInit) => Promise<HttpAnswer>;

let httpAgent: HttpAgent | undefined;
let httpsAgent: HttpsAgent | undefined;

/**
 * An idle connection is closed after this long, as undici (fetch) closes its own after 4 s: one kept longer is
 * more likely to have been closed by Okta's side (while the container was frozen), and a POST sent on it fails
 * with a reset the client does not retry (retry.ts).
 */
const IDLE_SOCKET_MS = 4_000;
const agentOptions = { keepAlive: true, noDelay: true, timeout: IDLE_SOCKET_MS };

/** Sends one request over a kept-alive connection of the container and reads the whole answer. */
export const nodeHttpSend: HttpSend = (url, init) =>
  new Promise<HttpAnswer>((resolve, reject) => {
    const { signal } = init;
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const secure = url.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    const agent = secure ? (httpsAgent ??= new HttpsAgent(agentOptions)) : (httpAgent ??= new HttpAgent(agentOptions));
    const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br', ...init.headers };
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    const request = send(url, { method: init.method, headers, agent });
    // The abort's reason (a TimeoutError from AbortSignal.timeout) is the error, as with fetch.
    const abort = () => request.destroy(signal.reason as Error);
    signal.addEventListener('abort', abort, { once: true });
    const done = () => signal.removeEventListener('abort', abort);
    request.on('error', (error) => {
      done();
      reject(error);
    });
    request.on('response', (response) => {
      const body = new BodyBuffer(Number(response.headers['content-length']));
      response.on('data', (chunk: Buffer) => body.add(chunk));
      response.on('error', (error) => {
        done();
        reject(error);
      });
      response.on('end', () => {
        done();
        decoded(body.bytes(), response.headers['content-encoding']).then(
          (text) => resolve(answerOf(response, text)),
          reject,
        );
      });
    });
    request.end(init.body);
  });

/**
 * An answer's bytes. With a Content-Length they go into one buffer of that size as they arrive, so a page of 1,000
 * events (about 3 MB) is not held twice, as its chunks and as their concatenation; without one (chunked), the
 * chunks are joined at the end.
 */
class BodyBuffer {
  private whole: Buffer | undefined;
  private filled = 0;
  private readonly chunks: Buffer[] = [];

  constructor(length: number) {
    if (Number.isSafeInteger(length) && length > 0) this.whole = Buffer.allocUnsafe(length);
  }

  add(chunk: Buffer): void {
    if (this.whole && this.filled + chunk.length <= this.whole.length) {
      chunk.copy(this.whole, this.filled);
      this.filled += chunk.length;
      return;
    }
    // More than announced: keep what came, as chunks.
    if (this.whole) this.chunks.push(this.whole.subarray(0, this.filled));
    this.whole = undefined;
    this.chunks.push(chunk);
  }

  bytes(): Buffer {
    return this.whole ? this.whole.subarray(0, this.filled) : Buffer.concat(this.chunks);
  }
}

function answerOf(response: IncomingMessage, body: string): HttpAnswer {
  const status = response.statusCode ?? 0;
  const raw = response.headers;
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name) {
        const value = raw[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: () => Promise.resolve(body),
  };
}

async function decoded(body: Buffer, encoding: string | undefined): Promise<string> {
  const how = encoding?.trim().toLowerCase();
  if (!how || how === 'identity') return body.toString('utf8');
  const zlib = await import('node:zlib');
  const { promisify } = await import('node:util');
  const inflate =
    how === 'gzip' || how === 'x-gzip'
      ? promisify(zlib.gunzip)
      : how === 'deflate'
        ? promisify(zlib.inflate)
        : how === 'br'
          ? promisify(zlib.brotliDecompress)
          : undefined;
  if (!inflate) throw new TypeError(`Okta answered in an encoding the connector does not read: ${how}`);
  return (await inflate(body)).toString('utf8');
}

/** Closes the kept-alive connections (tests, and a process that is done). */
export function closeHttpAgents(): void {
  httpAgent?.destroy();
  httpsAgent?.destroy();
  httpAgent = undefined;
  httpsAgent = undefined;
}
