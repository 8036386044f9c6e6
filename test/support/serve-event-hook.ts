/**
 * The event hook handler served over HTTP as a Lambda Function URL would serve it (payload 2.0 events, the body
 * base64-encoded), so the simulated org's event hooks can deliver to it on the real wire.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handler as eventHook } from '../../functions/triggers/event-hook.js';

export async function serveEventHook(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      eventHook({
        version: '2.0',
        requestContext: { http: { method: req.method ?? 'GET' } },
        headers,
        queryStringParameters: Object.fromEntries(url.searchParams),
        body: Buffer.concat(chunks).toString('base64'),
        isBase64Encoded: true,
      }).then(
        (answer) => {
          res.writeHead(answer.statusCode, answer.headers);
          res.end(answer.body ?? '');
        },
        // A Lambda that throws is a 502 from its Function URL; the soak counts one as a violation.
        () => {
          res.writeHead(502);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}
