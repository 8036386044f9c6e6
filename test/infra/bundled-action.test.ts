/**
 * What is deployed is what is tested: the `get-user` action is bundled by the same `ConnectorFunction` the stack
 * uses (esbuild, ESM, minified, the AWS SDK inside), and its `index.mjs` out of the cloud assembly, not the
 * TypeScript source, is invoked directly against the simulated org and the local Secrets Manager.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actions } from '../../functions/catalog.js';
import { ConnectorFunction } from '../../infra/connector-function.js';
import { startLocalAws, type LocalAws } from '../../local/aws/index.js';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';

type Handler = (event: unknown, context: unknown) => Promise<Record<string, unknown>>;

const CONNECTION = 'sim';
let outdir: string;
let bundleDir: string;
let functionEnv: Record<string, string>;
let sim: OktaSim;
let aws: LocalAws;
const savedEnv = { ...process.env };

/** Synthesizes a stack holding the one function, bundling it for real, and returns its asset directory. */
function bundleGetUser(): { dir: string; env: Record<string, string> } {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bundled');
  const spec = actions.find((a) => a.name === 'get-user')!;
  const fn = new ConnectorFunction(stack, 'GetUser', {
    entry: spec.entry,
    description: spec.summary,
    memorySize: 512,
    timeout: Duration.seconds(30),
    logRetention: logs.RetentionDays.ONE_WEEK,
    tracing: false,
    deadLetterQueue: new sqs.Queue(stack, 'DeadLetters'),
    environment: { DEFAULT_CONNECTION: CONNECTION },
  });
  fn.useSecrets({ prefix: 'okta-connector/', read: [CONNECTION] });
  const env = (
    Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Environment: { Variables: Record<string, string> } };
    }
  ).Properties.Environment.Variables;
  app.synth();
  const assets = readdirSync(outdir).filter(
    (name) => name.startsWith('asset.') && existsSync(path.join(outdir, name, 'index.mjs')),
  );
  expect(assets).toHaveLength(1);
  return { dir: path.join(outdir, assets[0]!), env };
}

function lambdaContext(): Record<string, unknown> {
  return {
    awsRequestId: 'bundled-test',
    functionName: 'GetUser',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:GetUser',
    memoryLimitInMB: '512',
    logGroupName: '/aws/lambda/GetUser',
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
  };
}

beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), 'okta-connector-bundle-'));
  ({ dir: bundleDir, env: functionEnv } = bundleGetUser());
  [sim, aws] = await Promise.all([startOktaSim({ seed: 'realistic' }), startLocalAws()]);
  aws.secrets.put(`okta-connector/${CONNECTION}`, {
    domain: sim.url,
    auth: { type: 'api-token', token: sim.apiToken },
  });
  // The function's own environment as synthesized, then the local endpoints. The simulated org is plain HTTP on
  // 127.0.0.1, which only ALLOW_INSECURE_LOCAL_OKTA permits; the deployed stack never sets it.
  Object.assign(process.env, functionEnv, aws.env(), { ALLOW_INSECURE_LOCAL_OKTA: 'true' });
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([sim?.close(), aws?.close()]);
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('the bundled get-user action', () => {
  it('is one minified ESM file with its source map beside it (not read at run time) and the AWS SDK inside', () => {
    const code = readFileSync(path.join(bundleDir, 'index.mjs'), 'utf8');
    expect(existsSync(path.join(bundleDir, 'index.mjs.map'))).toBe(true);
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).toContain('GetSecretValue');
    expect(functionEnv.NODE_OPTIONS).toBeUndefined();
  });

  it('returns the Okta user of a direct invoke, read from the simulated org', async () => {
    // Prepare
    const user = sim.org.users()[0]!;
    const login = (user.profile as { login: string }).login;
    const { handler } = (await import(pathToFileURL(path.join(bundleDir, 'index.mjs')).href)) as { handler: Handler };

    // Act
    const result = await handler({ userId: login }, lambdaContext());

    // Assess
    expect(result.id).toBe(user.id);
    expect((result.profile as { login: string }).login).toBe(login);
  });

  it('throws the contract error type OktaNotFound for an unknown user', async () => {
    const { handler } = (await import(pathToFileURL(path.join(bundleDir, 'index.mjs')).href)) as { handler: Handler };
    await expect(handler({ userId: 'nobody@example.com' }, lambdaContext())).rejects.toMatchObject({
      name: 'OktaNotFound',
    });
  });
});
