// Event hooks on the simulated org: registered and verified through Okta's API, they receive the System Log
// events that API calls cause.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';
import { match } from '../support/match.js';

let sim: OktaSim;
let receiver: Server;
let receiverUrl: string;
/** A delivery's body, as far as the tests read it. */
type Delivery = { source: string; data: { events: Array<{ eventType: string; target?: Array<{ id: string }> }> } };
const posts: Array<{ headers: IncomingHttpHeaders; body: Delivery }> = [];

const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `SSWS ${sim.apiToken}` },
    body: body === undefined ? '' : JSON.stringify(body),
  });
  return (await response.json()) as { id: string; verificationStatus?: string };
};

beforeAll(async () => {
  sim = await startOktaSim({ seed: 'empty' });
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const challenge = request.headers['x-okta-verification-challenge'];
      if (request.method === 'POST')
        posts.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Delivery });
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(challenge ? JSON.stringify({ verification: challenge }) : '');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/okta-events`;
});

afterAll(async () => {
  await sim.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

it('delivers the user.lifecycle.create event of a user created through the API to a verified hook', async () => {
  const hook = await api('POST', '/api/v1/eventHooks', {
    name: 'Connector',
    events: { type: 'EVENT_TYPE', items: ['user.lifecycle.create'] },
    channel: {
      type: 'HTTP',
      version: '1.0.0',
      config: { uri: receiverUrl, authScheme: { type: 'HEADER', key: 'Authorization', value: 'shared-secret' } },
    },
  });
  expect((await api('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/verify`)).verificationStatus).toBe('VERIFIED');

  const user = await api('POST', '/api/v1/users?activate=false', {
    profile: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', login: 'ada@example.com' },
  });
  for (let waited = 0; posts.length === 0 && waited < 2000; waited += 20)
    await new Promise((resolve) => setTimeout(resolve, 20));

  expect(posts).toHaveLength(1);
  expect(posts[0]?.headers.authorization).toBe('shared-secret');
  expect(posts[0]?.body.source).toBe(`${sim.url}/api/v1/eventHooks/${hook.id}`);
  expect(posts[0]?.body.data.events).toEqual([
    match.objectContaining({ eventType: 'user.lifecycle.create', target: [match.objectContaining({ id: user.id })] }),
  ]);
});
