import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '../../../local/aws/index.js';
import { foreignRequest } from '../../../local/aws/loopback-guard.js';
import { startGateway, type Gateway } from '../../../local/gateway.js';
import { startLocalLambda, type LocalLambda } from '../../../local/lambda-endpoint.js';
import { createLocalRuntime } from '../../../local/runtime.js';
import { match } from '../../support/match.js';

// Issue 14 item 7: with a real org in the environment the sandbox holds its credentials, and any web page the
// browser shows can reach 127.0.0.1: by DNS rebinding (its own name resolving to 127.0.0.1, so the browser lets
// it read the answers) or by a cross-site POST that needs no preflight (text/plain). Every local endpoint answers
// only loopback Host headers and no foreign Origin.

const FIXTURES = 'test/integration/local/fixtures';
const TOKEN = '00-real-org-token-value';
let aws: LocalAws;
let gateway: Gateway;
let lambda: LocalLambda;
let ran = 0;

beforeAll(async () => {
  aws = await startLocalAws();
  aws.secrets.put('okta-connector/default', { domain: 'acme.okta.com', auth: { type: 'api-token', token: TOKEN } });
  const runtime = createLocalRuntime({ timeoutSeconds: 5 });
  const counting = { invoke: (...args: Parameters<typeof runtime.invoke>) => ((ran += 1), runtime.invoke(...args)) };
  gateway = await startGateway({
    runtime: { ...runtime, ...counting },
    routes: {
      actions: [{ name: 'delete-user', entry: `${FIXTURES}/echo-handler.ts` }],
      eventHook: `${FIXTURES}/echo-handler.ts`,
    },
  });
  lambda = await startLocalLambda({ runtime, functions: [{ name: 'value', entry: `${FIXTURES}/value-handler.ts` }] });
});
afterAll(async () => {
  await Promise.all([gateway.close(), lambda.close(), aws.close()]);
});

interface Answer {
  status: number;
  body: string;
}

/** A raw HTTP request, so the test sets `Host` as a rebinding browser would. */
function send(url: string, options: { method?: string; headers: Record<string, string>; body?: string }) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body ?? '');
  });
}

function endpoints(): [string, string, Record<string, string>, string][] {
  const secretsTarget = {
    'x-amz-target': 'secretsmanager.GetSecretValue',
    'content-type': 'application/x-amz-json-1.1',
  };
  return [
    ['the gateway (an action)', `${gateway.url}/actions/delete-user`, { 'content-type': 'application/json' }, '{}'],
    ['the gateway (the event hook)', gateway.eventHookUrl, { 'content-type': 'application/json' }, '{}'],
    ['the Lambda Invoke API', `${lambda.url}/2015-03-31/functions/value/invocations`, {}, '{}'],
    ['the local Secrets Manager', aws.endpoints.secretsManager, secretsTarget, '{"SecretId":"okta-connector/default"}'],
    [
      'the local EventBridge',
      aws.endpoints.eventbridge,
      { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
      '{"Entries":[]}',
    ],
    [
      'DynamoDB (dynalite)',
      aws.endpoints.dynamodb,
      { 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' },
      '{}',
    ],
  ];
}

const endpointNames = [
  'the gateway (an action)',
  'the gateway (the event hook)',
  'the Lambda Invoke API',
  'the local Secrets Manager',
  'the local EventBridge',
  'DynamoDB (dynalite)',
];

describe('every local endpoint refuses requests a web page could send', () => {
  it.each(endpointNames)('%s refuses a DNS-rebinding Host with 403', async (name) => {
    const [, url, headers, body] = endpoints().find(([n]) => n === name)!;
    const port = new URL(url).port;
    for (const host of [`attacker.example:${port}`, 'attacker.example', `127.0.0.1.nip.io:${port}`]) {
      const answer = await send(url, { headers: { ...headers, host }, body });
      expect(answer.status, host).toBe(403);
      expect(answer.body).not.toContain(TOKEN);
      expect(JSON.parse(answer.body)).toEqual({ message: match.stringContaining('127.0.0.1, localhost or [::1]') });
    }
  });

  it.each(endpointNames)('%s refuses a foreign or opaque Origin with 403', async (name) => {
    const [, url, headers, body] = endpoints().find(([n]) => n === name)!;
    for (const origin of ['https://attacker.example', 'null', 'http://127.0.0.1.attacker.example']) {
      const answer = await send(url, { headers: { ...headers, origin, 'content-type': 'text/plain' }, body });
      expect(answer.status, origin).toBe(403);
      expect(answer.body).not.toContain(TOKEN);
    }
  });

  it.each(endpointNames)('%s still answers a loopback Host, with or without a loopback Origin', async (name) => {
    const [, url, headers, body] = endpoints().find(([n]) => n === name)!;
    const port = new URL(url).port;
    const variants: Record<string, string>[] = [
      { host: `127.0.0.1:${port}` },
      { host: `localhost:${port}`, origin: 'http://localhost:3000' },
    ];
    for (const extra of variants) {
      const answer = await send(url, { headers: { ...headers, ...extra }, body });
      expect(answer.status, JSON.stringify(extra)).not.toBe(403);
    }
  });

  it('runs no action for a cross-site text/plain POST (the delete-user of a page the admin opened)', async () => {
    const before = ran;
    const crossSite = await send(`${gateway.url}/actions/delete-user`, {
      headers: { 'content-type': 'text/plain', origin: 'https://attacker.example' },
      body: '{"userId":"00u1"}',
    });
    // A browser that sent no Origin still cannot choose application/json without a preflight the gateway never grants.
    const noOrigin = await send(`${gateway.url}/actions/delete-user`, {
      headers: { 'content-type': 'text/plain' },
      body: '{"userId":"00u1"}',
    });
    expect([crossSite.status, noOrigin.status]).toEqual([403, 400]);
    expect(ran).toBe(before);
  });

  it('lets the real Secrets Manager client read a secret on 127.0.0.1 as before', async () => {
    const client = new SecretsManagerClient({
      endpoint: aws.endpoints.secretsManager,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const secret = await client.send(new GetSecretValueCommand({ SecretId: 'okta-connector/default' }));
    client.destroy();
    expect(secret.SecretString).toContain(TOKEN);
  });
});

describe('foreignRequest', () => {
  it.each([
    [{ host: '127.0.0.1:4000' }, undefined],
    [{ host: 'LOCALHOST' }, undefined],
    [{ host: '[::1]:9' }, undefined],
    [{ host: '127.0.0.1:4000', origin: 'http://[::1]:5173' }, undefined],
    [{}, 'addressed'],
    [{ host: '127.0.0.2:4000' }, 'addressed'],
    [{ host: 'localhost.attacker.example' }, 'addressed'],
    [{ host: '127.0.0.1:4000', origin: 'https://127.0.0.1:4000' }, 'other origins'],
    [{ host: '127.0.0.1:4000', origin: 'http://localhost:4000@attacker.example' }, 'other origins'],
  ])('%j is %s', (headers, refusal) => {
    const answer = foreignRequest(headers);
    if (refusal === undefined) expect(answer).toBeUndefined();
    else expect(answer).toContain(refusal);
  });
});
