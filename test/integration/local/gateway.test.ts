import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../local/gateway.js';
import { createLocalRuntime } from '../../../local/runtime.js';
import { match } from '../../support/match.js';

const FIXTURES = 'test/integration/local/fixtures';
let gateway: Gateway;

beforeAll(async () => {
  gateway = await startGateway({
    runtime: createLocalRuntime({ timeoutSeconds: 5 }),
    routes: {
      actions: [
        { name: 'echo', entry: `${FIXTURES}/echo-handler.ts` },
        { name: 'failing', entry: `${FIXTURES}/failing-handler.ts` },
        { name: 'plain', entry: `${FIXTURES}/value-handler.ts` },
        { name: 'binary', entry: `${FIXTURES}/binary-handler.ts` },
      ],
      oauth: { authorize: `${FIXTURES}/echo-handler.ts`, callback: `${FIXTURES}/echo-handler.ts` },
      eventHook: `${FIXTURES}/echo-handler.ts`,
    },
  });
});
afterAll(() => gateway.close());

/** The fields of the echoed event (a v1 or a v2 proxy event) the tests read one by one. */
interface EchoedEvent {
  headers: Record<string, string | undefined>;
  multiValueHeaders: Record<string, string[] | undefined>;
  requestContext: { http: { method: string } };
  body?: string | null;
}
const echoed = async (response: Response) => (await response.json()) as { event: EchoedEvent };

describe('local gateway: actions as API Gateway REST', () => {
  it('turns POST /actions/<name> into a v1 proxy event', async () => {
    const response = await fetch(`${gateway.url}/actions/echo?x=1&x=2`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Custom-Header': 'kept' },
      body: '{"userId":"00u1"}',
    });
    const { event } = await echoed(response);

    expect(event).toMatchObject({
      resource: '/actions/echo',
      path: '/actions/echo',
      httpMethod: 'POST',
      body: '{"userId":"00u1"}',
      isBase64Encoded: false,
      queryStringParameters: { x: '2' },
      multiValueQueryStringParameters: { x: ['1', '2'] },
      pathParameters: null,
      requestContext: {
        stage: 'local',
        httpMethod: 'POST',
        resourcePath: '/actions/echo',
        identity: { sourceIp: match.any(String) },
      },
    });
    expect(event.headers['X-Custom-Header']).toBe('kept');
    expect(event.multiValueHeaders['X-Custom-Header']).toEqual(['kept']);
  });

  it('turns POST /connections/<connection>/actions/<name> into the per-connection resource with its path parameter', async () => {
    const response = await fetch(`${gateway.url}/connections/acme/actions/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"userId":"00u1"}',
    });
    const { event } = await echoed(response);

    expect(event).toMatchObject({
      resource: '/connections/{connection}/actions/echo',
      path: '/connections/acme/actions/echo',
      pathParameters: { connection: 'acme' },
      requestContext: { resourcePath: '/connections/{connection}/actions/echo' },
    });
  });

  // Issue 14 item 7: a text/plain POST needs no CORS preflight, so any web page could send one.
  it('refuses an action call that is not Content-Type: application/json, without running it', async () => {
    const variants: Record<string, string>[] = [
      { 'content-type': 'text/plain' },
      {},
      { 'content-type': 'application/jsonp' },
    ];
    for (const headers of variants) {
      const response = await fetch(`${gateway.url}/actions/failing`, { method: 'POST', headers, body: '{}' });

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: { type: 'InvalidInput', message: match.stringContaining('Content-Type: application/json') },
      });
    }
  });

  it("answers with the handler's statusCode, headers and body", async () => {
    const response = await fetch(`${gateway.url}/actions/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });

    expect(response.status).toBe(201);
    expect(response.headers.get('x-echo')).toBe('yes');
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('decodes a base64 body', async () => {
    const response = await fetch(`${gateway.url}/actions/binary`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });

    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  it('answers 502 Internal server error when the handler throws, as API Gateway does', async () => {
    const response = await fetch(`${gateway.url}/actions/failing`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });

    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ message: 'Internal server error' });
  });

  it('answers 502 when the handler returns something that is not a proxy result', async () => {
    const response = await fetch(`${gateway.url}/actions/plain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });

    expect(response.status).toBe(502);
  });

  it('names the actions when the action does not exist', async () => {
    const response = await fetch(`${gateway.url}/actions/nope`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });

    expect(response.status).toBe(404);
    expect((await response.json()) as { message: string }).toEqual({
      message: match.stringContaining('echo, failing'),
    });
  });

  it('routes GET /oauth/authorize with its query string and the browser cookie', async () => {
    const { event } = await echoed(
      await fetch(`${gateway.url}/oauth/authorize?consent=t1`, { headers: { cookie: '__Host-a=b' } }),
    );

    expect(event).toMatchObject({
      resource: '/oauth/authorize',
      httpMethod: 'GET',
      body: null,
      queryStringParameters: { consent: 't1' },
    });
    expect(event.headers.cookie).toBe('__Host-a=b');
    expect(event.headers.host).toBe(new URL(gateway.url).host);
    expect(event.headers).toMatchObject({ 'X-Forwarded-Proto': 'http', 'X-Forwarded-Port': new URL(gateway.url).port });
  });

  it('routes GET /oauth/callback', async () => {
    const { event } = await echoed(await fetch(`${gateway.url}/oauth/callback?code=c&state=s`));

    expect(event).toMatchObject({ resource: '/oauth/callback', queryStringParameters: { code: 'c', state: 's' } });
  });
});

describe('local gateway: the event hook as a Function URL', () => {
  it('turns POST /event-hook into a payload 2.0 event with lower-case headers', async () => {
    const response = await fetch(gateway.eventHookUrl, {
      method: 'POST',
      headers: { Authorization: 'hook-secret', 'Content-Type': 'application/json' },
      body: '{"data":{"events":[]}}',
    });
    const { event } = await echoed(response);

    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/event-hook',
      headers: { authorization: 'hook-secret', 'content-type': 'application/json' },
      body: '{"data":{"events":[]}}',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/event-hook' }, stage: '$default' },
    });
  });

  it('passes the verification GET with its challenge header', async () => {
    const { event } = await echoed(
      await fetch(gateway.eventHookUrl, { headers: { 'x-okta-verification-challenge': 'abc' } }),
    );

    expect(event.requestContext.http.method).toBe('GET');
    expect(event.headers['x-okta-verification-challenge']).toBe('abc');
    expect(event.body).toBeUndefined();
  });

  it('answers 404 for a path it does not serve', async () => {
    const response = await fetch(`${gateway.url}/nowhere`);

    expect(response.status).toBe(404);
  });
});
