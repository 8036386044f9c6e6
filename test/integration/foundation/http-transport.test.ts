/**
 * The Okta client's transport (functions/lib/okta/http-transport.ts) on the real wire: a local HTTP server stands in
 * for Okta. It must read answers as the client read them through `fetch` (status, headers by any case, joined
 * repeated headers, compressed bodies), keep connections alive between calls, never follow a redirect, and fail
 * the way the retry rules expect (a timeout as `TimeoutError`, a refused connection with its code).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeHttpAgents, nodeHttpSend, type HttpInit } from '../../../functions/lib/okta/http-transport.js';
import { isTimeout, neverReachedOkta } from '../../../functions/lib/okta/retry.js';

let server: Server;
let base = '';
const sockets = new Set<Socket>();
let lastSocket: Socket | undefined;
const received: Array<{ method?: string; url?: string; body: string; headers: Record<string, unknown> }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, body, headers: req.headers });
      lastSocket = req.socket;
      if (req.url === '/slow') return; // never answers
      if (req.url === '/gzip') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(JSON.stringify({ compressed: true })));
        return;
      }
      if (req.url === '/chunked' || req.url === '/sized') {
        const parts = Array.from({ length: 50 }, (_, i) => `"${String(i).padStart(3, '0')}${'x'.repeat(20_000)}"`);
        const text = `[${parts.join(',')}]`;
        if (req.url === '/sized') res.writeHead(200, { 'content-length': Buffer.byteLength(text) });
        else res.writeHead(200, { 'transfer-encoding': 'chunked' });
        for (let at = 0; at < text.length; at += 65_536) res.write(text.slice(at, at + 65_536));
        res.end();
        return;
      }
      if (req.url === '/redirect') {
        res.writeHead(307, { location: '/elsewhere' }).end();
        return;
      }
      res.setHeader('Link', ['<http://a/?after=1>; rel="self"', '<http://a/?after=2>; rel="next"']);
      res.writeHead(201, { 'X-Rate-Limit-Remaining': '7', 'content-type': 'application/json' });
      res.end(JSON.stringify({ echo: body }));
    });
  });
  server.on('connection', (socket) => sockets.add(socket));
  // The server keeps idle connections far longer than the client: a close within seconds is the client's.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  closeHttpAgents();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const init = (overrides: Partial<HttpInit> = {}): HttpInit => ({
  method: 'GET',
  headers: { accept: 'application/json' },
  signal: AbortSignal.timeout(5_000),
  redirect: 'error',
  ...overrides,
});

describe('the Okta client transport', () => {
  it('sends the method, headers and body with its length, and reads status, headers and body', async () => {
    const answer = await nodeHttpSend(
      new URL(`${base}/api/v1/users`),
      init({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"é"}' }),
    );
    expect(answer.status).toBe(201);
    expect(answer.ok).toBe(true);
    expect(answer.headers.get('x-rate-limit-remaining')).toBe('7');
    expect(answer.headers.get('X-Rate-Limit-Remaining')).toBe('7');
    expect(answer.headers.get('x-absent')).toBeNull();
    expect(JSON.parse(await answer.text())).toEqual({ echo: '{"a":"é"}' });
    const last = received.at(-1)!;
    expect(last.method).toBe('POST');
    expect(last.headers['content-length']).toBe(String(Buffer.byteLength('{"a":"é"}')));
  });

  it('joins repeated Link headers with ", " as fetch does, so the next link is found', async () => {
    const answer = await nodeHttpSend(new URL(`${base}/api/v1/users`), init());
    expect(answer.headers.get('link')).toBe('<http://a/?after=1>; rel="self", <http://a/?after=2>; rel="next"');
  });

  it('asks for compression and reads a gzip answer', async () => {
    const answer = await nodeHttpSend(new URL(`${base}/gzip`), init());
    expect(received.at(-1)!.headers['accept-encoding']).toContain('gzip');
    expect(JSON.parse(await answer.text())).toEqual({ compressed: true });
  });

  it('reads a large answer whole, with a Content-Length and chunked', async () => {
    for (const path of ['/sized', '/chunked']) {
      const body = JSON.parse(await (await nodeHttpSend(new URL(`${base}${path}`), init())).text()) as string[];
      expect(body).toHaveLength(50);
      expect(body[49]!.startsWith('049')).toBe(true);
    }
  });

  it('reuses one kept-alive connection for calls one after another', async () => {
    const before = sockets.size;
    for (let i = 0; i < 5; i++) await (await nodeHttpSend(new URL(`${base}/api/v1/users`), init())).text();
    expect(sockets.size - before).toBeLessThanOrEqual(1);
  });

  it('closes a connection left idle for 4 s, as fetch does, so a stale one is not reused after a freeze', async () => {
    await (await nodeHttpSend(new URL(`${base}/api/v1/users`), init())).text();
    const sent = Date.now();
    const closedAt = await new Promise<number>((resolve) => lastSocket!.on('close', () => resolve(Date.now())));
    expect(closedAt - sent).toBeGreaterThanOrEqual(3_900);
    expect(closedAt - sent).toBeLessThan(6_000);
  }, 10_000);

  it('answers a redirect as it came, without following it', async () => {
    const count = received.length;
    const answer = await nodeHttpSend(new URL(`${base}/redirect`), init({ method: 'POST', body: 'secret' }));
    expect(answer.status).toBe(307);
    expect(answer.ok).toBe(false);
    expect(received.slice(count).map((r) => r.url)).toEqual(['/redirect']);
  });

  it('rejects with the TimeoutError of its signal when the answer does not come in time', async () => {
    const error = await nodeHttpSend(new URL(`${base}/slow`), init({ signal: AbortSignal.timeout(100) })).catch(
      (e: unknown) => e,
    );
    expect(isTimeout(error)).toBe(true);
  });

  it('rejects a refused connection with its code, which the retry rules read as never reaching Okta', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await nodeHttpSend(new URL(`http://127.0.0.1:${port}/`), init()).catch((e: unknown) => e);
    expect(neverReachedOkta(error)).toBe(true);
  });
});
