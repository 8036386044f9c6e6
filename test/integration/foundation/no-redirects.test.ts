/**
 * Okta and token calls never follow a redirect (issue 14 item 9): a cross-origin 307 would drop Authorization but
 * re-send the body (a refresh token, a code, a client assertion) to the other origin. On the real wire: two local
 * HTTP servers, the "org" answering 307 to the other, which records what reaches it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenEndpointFor } from '../../../functions/lib/auth/token-endpoint.js';
import type { Connection } from '../../../functions/lib/connections.js';
import { oktaClientFor } from '../../../functions/lib/okta/client.js';

let org: Server;
let elsewhere: Server;
let orgUrl = '';
const reachedElsewhere: string[] = [];

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

beforeAll(async () => {
  elsewhere = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      reachedElsewhere.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"x","token_type":"Bearer"}');
    });
  });
  const elsewhereUrl = await listen(elsewhere);
  org = createServer((req, res) => {
    req.resume();
    res.writeHead(307, { location: `${elsewhereUrl}${req.url}` }).end();
  });
  orgUrl = await listen(org);
});
afterAll(async () => {
  await Promise.all([org, elsewhere].map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('no redirects on Okta and token calls', () => {
  it('a token grant answered with 307 fails and its body never reaches the other origin', async () => {
    const connection: Connection = {
      name: 'redirecting',
      baseUrl: orgUrl,
      auth: { type: 'api-token', token: 'unused' },
    };
    const endpoint = tokenEndpointFor(connection);
    await expect(
      endpoint.request(() => Promise.resolve({ grant_type: 'refresh_token', refresh_token: 'rt-must-stay-home' })),
    ).rejects.toMatchObject({ name: 'OktaUnavailable' });
    expect(reachedElsewhere.filter((line) => line.includes('rt-must-stay-home'))).toEqual([]);
  });

  it('an API call answered with 307 is not followed', async () => {
    const client = oktaClientFor({
      name: 'redirecting',
      baseUrl: orgUrl,
      auth: { type: 'api-token', token: 'ssws-x' },
    });
    await expect(
      client.request({ method: 'POST', path: '/api/v1/users', body: { password: 'p-stays-home' } }),
    ).rejects.toBeDefined();
    expect(reachedElsewhere.filter((line) => line.includes('p-stays-home'))).toEqual([]);
  });
});
