/**
 * The construct's `eventHookRegistration` custom resource on the real wire: its handler against the simulated org,
 * the local Secrets Manager and the event hook served as a Function URL, answering CloudFormation at a local
 * stand-in for the pre-signed S3 response URL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../../functions/lib/observability.js';
import { handler, type CustomResourceEvent } from '../../../functions/hooks/register-event-hook.js';
import { startWorld, type World } from '../../support/world.js';
import { match } from '../../support/match.js';

interface Answer {
  Status: 'SUCCESS' | 'FAILED';
  PhysicalResourceId: string;
  Reason?: string;
  RequestId: string;
  Data: { HookId: string };
}
interface SimHook {
  id: string;
  status: string;
  verificationStatus: string;
  events: { items: string[] };
  channel: { config: { uri: string } };
}

let world: World;
let responses: Server;
let responseUrl: string;
const answers: Array<{ contentType?: string; body: Answer }> = [];

beforeAll(async () => {
  world = await startWorld({
    sim: { seed: 'empty', rateLimits: false },
    env: { POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR', CONNECTIONS: 'default' },
    eventHook: true,
  });
  logger.setLogLevel('SILENT');
  responses = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      answers.push({ contentType: req.headers['content-type'], body: JSON.parse(text) as Answer });
      res.end();
    });
  });
  await new Promise<void>((resolve) => responses.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(responses.address() as AddressInfo).port}/cfn-response?X-Amz-Signature=x`;
});
afterAll(async () => {
  responses.close();
  delete process.env.CONNECTIONS;
  await world.close();
});

let request = 0;
async function run(
  type: CustomResourceEvent['RequestType'],
  properties: Partial<CustomResourceEvent['ResourceProperties']>,
  physicalId?: string,
): Promise<Answer> {
  request += 1;
  await handler({
    RequestType: type,
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/test/1',
    RequestId: `request-${request}`,
    LogicalResourceId: 'OktaEventHookdefault',
    ...(physicalId ? { PhysicalResourceId: physicalId } : {}),
    ResourceProperties: { Connection: 'default', Url: url(), EventTypes: 'all-eligible', ...properties },
  });
  const answer = answers.at(-1)!;
  expect(answer.body.RequestId).toBe(`request-${request}`);
  expect(answer.contentType ?? '').toBe('');
  return answer.body;
}

const url = (suffix = '') => `${world.hookUrl}?connection=default${suffix}`;
const hooks = async () => (await world.admin.okta<SimHook[]>('GET', '/api/v1/eventHooks')).body;
const stored = () => world.aws.secrets.get('okta-connector/default/event-hook');

describe('the eventHookRegistration custom resource', () => {
  let physicalId = '';

  it('Create: generates and stores the hook secret, registers a VERIFIED, ACTIVE hook, answers SUCCESS', async () => {
    expect(stored()).toBeUndefined();
    const answer = await run('Create', {});

    expect(answer.Status).toBe('SUCCESS');
    const [hook] = await hooks();
    expect(hook).toMatchObject({
      status: 'ACTIVE',
      verificationStatus: 'VERIFIED',
      channel: { config: { uri: url() } },
    });
    expect(answer.PhysicalResourceId).toBe(`okta-event-hook:default:${hook!.id}`);
    expect(answer.Data).toEqual({ HookId: hook!.id });
    const secret = (JSON.parse(stored()!) as { eventHookSecret: string }).eventHookSecret;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(answers)).not.toContain(secret);
    physicalId = answer.PhysicalResourceId;
  });

  it('Update with other types: the same hook, updated in place (idempotent)', async () => {
    const answer = await run('Update', { EventTypes: ['user.lifecycle.create'] }, physicalId);

    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expect(await hooks()).toEqual([
      match.objectContaining({ events: match.objectContaining({ items: ['user.lifecycle.create'] }) }),
    ]);
  });

  it('Update to another URL: a new hook and physical id; the Delete CloudFormation then sends removes the old', async () => {
    const moved = await run('Update', { Url: url('&v=2') }, physicalId);

    expect(moved.Status).toBe('SUCCESS');
    expect(moved.PhysicalResourceId).not.toBe(physicalId);
    expect((await run('Delete', {}, physicalId)).Status).toBe('SUCCESS');
    expect((await hooks()).map((h) => h.channel.config.uri)).toEqual([url('&v=2')]);
    physicalId = moved.PhysicalResourceId;
  });

  it('Delete: removes the hook; a second Delete finds nothing and succeeds', async () => {
    expect((await run('Delete', { Url: url('&v=2') }, physicalId)).Status).toBe('SUCCESS');
    expect(await hooks()).toEqual([]);
    expect((await run('Delete', { Url: url('&v=2') }, physicalId)).Status).toBe('SUCCESS');
  });

  it('Create at a URL Okta cannot verify: FAILED with the reason, nothing left in Okta, its Delete a no-op', async () => {
    const answer = await run('Create', { Url: 'http://127.0.0.1:1/event-hook?connection=default' });

    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toContain('Okta could not verify http://127.0.0.1:1/event-hook?connection=default');
    expect(answer.Reason).not.toContain((JSON.parse(stored()!) as { eventHookSecret: string }).eventHookSecret);
    expect(await hooks()).toEqual([]);
    expect(answer.PhysicalResourceId).toBe('okta-event-hook:default:none');
    expect((await run('Delete', {}, answer.PhysicalResourceId)).Status).toBe('SUCCESS');
  });

  it('Create with a type Okta does not allow: FAILED, naming it', async () => {
    const answer = await run('Create', { EventTypes: ['user.made.up'] });

    expect(answer).toMatchObject({ Status: 'FAILED', Reason: match.stringContaining('user.made.up') });
  });
});
