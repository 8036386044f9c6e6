import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../bin/cli.js';
import { startSandbox, type Sandbox } from '../../../local/sandbox.js';
import type { OktaEventDetail } from '../../../infra/catalog-types.js';
import { match } from '../../support/match.js';

// The CLI against a sandbox started in this process: in-process for speed, and through the bin shim twice.
let sandbox: Sandbox;

/** A secret as the CLI stored it (`{}` when there is none). */
function storedSecret(name: string): { auth: Record<string, unknown>; eventHookSecret: string } {
  return JSON.parse(sandbox.aws.secrets.get(name) ?? '{}') as {
    auth: Record<string, unknown>;
    eventHookSecret: string;
  };
}
let cliEnv: Record<string, string | undefined>;

beforeAll(async () => {
  sandbox = await startSandbox({ scheduleSeconds: 3600, env: { ...process.env, OKTA_ORG_URL: '' } });
  cliEnv = {
    ...process.env,
    ...sandbox.functionEnv,
    ACTIONS_URL: sandbox.actionsUrl,
    EVENTS_URL: sandbox.eventsUrl,
    AWS_ENDPOINT_URL_LAMBDA: sandbox.lambdaUrl,
    OKTA_CONNECTOR_SANDBOX_FILE: '/nonexistent/sandbox.json',
  };
}, 30_000);
afterAll(() => sandbox.stop());

/** Runs the CLI in this process (fast), with its output captured and `env` applied for the call. */
async function cli(
  args: string[],
  env: Record<string, string | undefined> = {},
  stdin?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, cliEnv);
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const stdout: string[] = [];
  const stderr: string[] = [];
  try {
    const code = await runCli(args, {
      out: (t) => stdout.push(t),
      err: (t) => stderr.push(t),
      errIsTty: false,
      ...(stdin === undefined ? {} : { readStdin: () => Promise.resolve(stdin) }),
    });
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  } finally {
    process.env = saved;
  }
}

/** Runs the CLI as `npx okta-connector` does: the bin shim in a new process. */
function cliProcess(
  args: string[],
  env: Record<string, string | undefined> = cliEnv,
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['bin/okta-connector.js', ...args],
      { env, timeout: 20_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(stdin);
  });
}

describe('okta-connector as a command (the bin shim)', () => {
  it('runs an action and prints its output as JSON on stdout', async () => {
    const { code, stdout } = await cliProcess([
      'invoke',
      'get-user',
      '--input',
      '{"userId":"admin@okta-sim.example.com"}',
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ profile: { login: 'admin@okta-sim.example.com' } });
  });

  it('exits 2 for an unknown command', async () => {
    const { code, stderr } = await cliProcess(['deploy']);

    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "deploy"');
  });
});

describe('okta-connector (usage)', () => {
  it('lists the commands with --help', async () => {
    const { code, stdout } = await cli(['--help']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/invoke[\s\S]*connections[\s\S]*events tail[\s\S]*replay/);
  });

  it.each(['invoke', 'connections', 'events', 'replay'])('has --help for %s', async (command) => {
    const { code, stdout } = await cli([command, '--help']);

    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: okta-connector ${command}`);
  });

  it('exits 2 and shows the usage for an unknown command', async () => {
    const { code, stderr } = await cli(['deploy']);

    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "deploy"');
  });
});

describe('okta-connector invoke', () => {
  it('runs an action at ACTIONS_URL and prints its output', async () => {
    const { code, stdout } = await cli(['invoke', 'get-user', '--input', '{"userId":"admin@okta-sim.example.com"}']);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ profile: { login: 'admin@okta-sim.example.com' } });
  });

  it('runs the action with the connection given', async () => {
    const { code, stdout } = await cli([
      'invoke',
      'get-user',
      '--connection',
      'service',
      '--input',
      '{"userId":"admin@okta-sim.example.com"}',
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'ACTIVE' });
  });

  it('prints the CONTRACT error type of a failure and exits 1', async () => {
    const { code, stderr } = await cli(['invoke', 'get-user', '--input', '{"userId":"nobody@example.com"}']);

    expect(code).toBe(1);
    expect(stderr).toContain('OktaNotFound:');
  });

  it('refuses an input that is not a JSON object, with exit code 2', async () => {
    const { code, stderr } = await cli(['invoke', 'get-user', '--input', '{userId']);

    expect(code).toBe(2);
    expect(stderr).toContain('--input must be a JSON object');
  });

  it('invokes the function directly with --function-name (Lambda Invoke API)', async () => {
    const { code, stdout } = await cli([
      'invoke',
      'get-user',
      '--function-name',
      'okta-connector-get-user',
      '--input',
      '{"userId":"admin@okta-sim.example.com"}',
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ profile: { login: 'admin@okta-sim.example.com' } });
  });

  it('reports the thrown error type of a direct invoke', async () => {
    const { code, stderr } = await cli([
      'invoke',
      'get-user',
      '--function-name',
      'okta-connector-get-user',
      '--input',
      '{"userId":"nobody@example.com"}',
    ]);

    expect(code).toBe(1);
    expect(stderr).toContain('OktaNotFound:');
  });

  it('says to start the sandbox when there is no ACTIONS_URL', async () => {
    const { code, stderr } = await cli(['invoke', 'get-user', '--input', '{}'], { ACTIONS_URL: undefined });

    expect(code).toBe(1);
    expect(stderr).toContain('npm start');
  });
});

describe('okta-connector hooks migrate', () => {
  const legacySecret = 'legacy-hook-secret-of-at-least-32-chars';
  const legacy = () =>
    sandbox.aws.secrets.put('okta-connector/cli-legacy', {
      domain: sandbox.orgUrl,
      auth: { type: 'api-token', token: sandbox.apiToken },
      eventHookSecret: legacySecret,
    });

  it('moves eventHookSecret from the connection secret into <prefix><name>/event-hook', async () => {
    legacy();
    const { code, stdout } = await cli(['hooks', 'migrate', 'cli-legacy']);

    expect(code).toBe(0);
    expect(stdout).toContain('okta-connector/cli-legacy/event-hook');
    // The org's domain goes along (not a secret): the hook checks a delivery's source against it.
    expect(JSON.parse(sandbox.aws.secrets.get('okta-connector/cli-legacy/event-hook') ?? '{}')).toEqual({
      eventHookSecret: legacySecret,
      domain: sandbox.orgUrl,
    });
    expect(JSON.parse(sandbox.aws.secrets.get('okta-connector/cli-legacy') ?? '{}')).toEqual({
      domain: sandbox.orgUrl,
      auth: { type: 'api-token', token: sandbox.apiToken },
    });
  });

  it('refuses to overwrite an existing hook secret without --replace, and says so', async () => {
    legacy();
    const { code, stderr } = await cli(['hooks', 'migrate', 'cli-legacy']);

    expect(code).toBe(1);
    expect(stderr).toContain('--replace');
    expect(stderr).not.toContain(legacySecret);
    expect((await cli(['hooks', 'migrate', 'cli-legacy', '--replace'])).code).toBe(0);
  });

  it('says there is nothing to move from a connection without eventHookSecret', async () => {
    const { code, stderr } = await cli(['hooks', 'migrate', 'default']);

    expect(code).toBe(1);
    expect(stderr).toContain('holds no eventHookSecret');
  });
});

describe('okta-connector connections', () => {
  it('adds an API token connection to Secrets Manager, the token read from a file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'okc-')), 'token');
    writeFileSync(file, `${sandbox.apiToken}\n`, { mode: 0o600 });
    const { code, stdout } = await cli([
      'connections',
      'add',
      'cli-token',
      '--domain',
      sandbox.orgUrl,
      '--api-token-file',
      file,
    ]);

    expect(code).toBe(0);
    expect(stdout).toContain('Saved connection "cli-token"');
    expect(JSON.parse(sandbox.aws.secrets.get('okta-connector/cli-token') ?? '{}')).toEqual({
      domain: sandbox.orgUrl,
      auth: { type: 'api-token', token: sandbox.apiToken },
    });
  });

  it('tests a connection by signing in and reading the token owner', async () => {
    sandbox.aws.secrets.put('okta-connector/cli-tested', {
      domain: sandbox.orgUrl,
      auth: { type: 'api-token', token: sandbox.apiToken },
    });
    const { code, stdout } = await cli(['connections', 'test', 'cli-tested']);

    expect(code).toBe(0);
    expect(stdout).toContain('as admin@okta-sim.example.com');
  });

  it('tests a client-credentials connection', async () => {
    const { code, stdout } = await cli(['connections', 'test', 'service']);

    expect(code).toBe(0);
    expect(stdout).toContain('(client-credentials) and read 1 user');
  });

  it('reports refused credentials with what to check', async () => {
    sandbox.aws.secrets.put('okta-connector/cli-bad', {
      domain: sandbox.orgUrl,
      auth: { type: 'api-token', token: 'not-a-token' },
    });
    const { code, stderr } = await cli(['connections', 'test', 'cli-bad']);

    expect(code).toBe(1);
    expect(stderr).toContain('OktaAuthFailed');
    expect(stderr).not.toContain('not-a-token');
  });

  it('names an unknown connection and how to list them', async () => {
    const { code, stderr } = await cli(['connections', 'test', 'missing']);

    expect(code).toBe(1);
    expect(stderr).toMatch(/UnknownConnection.*connections list/);
  });

  it('lists the connections without their secrets', async () => {
    const { code, stdout } = await cli(['connections', 'list']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^default {2}http:\/\/127\.0\.0\.1:\d+ {2}api-token {2}event hook secret set$/m);
    expect(stdout).toMatch(/^service .*client-credentials/m);
    expect(stdout).not.toContain(sandbox.apiToken);
  });

  it('lists the connections as JSON with --json, without their secrets', async () => {
    const { code, stdout } = await cli(['connections', 'list', '--json']);

    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as Array<Record<string, unknown>>;
    expect(listed).toContainEqual({
      name: 'default',
      baseUrl: match.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      auth: 'api-token',
      eventHookSecret: true,
    });
    expect(listed.find((c) => c.name === 'service')).toMatchObject({ auth: 'client-credentials' });
    expect(stdout).not.toContain(sandbox.apiToken);
  });

  it('answers connections list with its table and nothing else, as a command (no SDK notice on stderr)', async () => {
    // Without the test setup's own switch: the command must turn the SDK's Node-version notice off itself.
    const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _setByTests, ...env } = cliEnv;
    const { code, stdout, stderr } = await cliProcess(['connections', 'list'], env);

    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .every((line) => /^\S+ {2}\S+ {2}\S+/.test(line)),
    ).toBe(true);
    expect(stdout).toMatch(/^default {2}/m);
    expect(stderr).toBe('');
  });

  it('reports a connection test as JSON with --json', async () => {
    const { code, stdout } = await cli(['connections', 'test', 'default', '--json']);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ connection: 'default', auth: 'api-token', ok: true });
  });

  it('asks for credentials when none are given', async () => {
    const { code, stderr } = await cli(['connections', 'add', 'x', '--domain', 'acme.okta.com']);

    expect(code).toBe(2);
    expect(stderr).toContain('give the credentials');
  });

  it('reads the token from standard input with -, through the bin shim', async () => {
    const { code, stdout } = await cliProcess(
      ['connections', 'add', 'cli-stdin', '--domain', sandbox.orgUrl, '--api-token-file', '-'],
      cliEnv,
      `${sandbox.apiToken}\n`,
    );

    expect(code).toBe(0);
    expect(stdout).toContain('Saved connection "cli-stdin"');
    expect(JSON.parse(sandbox.aws.secrets.get('okta-connector/cli-stdin') ?? '{}')).toMatchObject({
      auth: { type: 'api-token', token: sandbox.apiToken },
    });
  });

  it('refuses a secret on the command line, and writes nothing', async () => {
    const { code, stderr } = await cli([
      'connections',
      'add',
      'cli-argv',
      '--domain',
      sandbox.orgUrl,
      '--api-token',
      sandbox.apiToken,
    ]);

    expect(code).toBe(2);
    expect(stderr).toContain('--api-token-file -');
    expect(stderr).not.toContain(sandbox.apiToken);
    expect(sandbox.aws.secrets.get('okta-connector/cli-argv')).toBeUndefined();
  });

  it('refuses to overwrite a connection without --replace, and overwrites it with --replace', async () => {
    const add = (extra: string[], token: string) =>
      cli(['connections', 'add', 'cli-kept', '--domain', sandbox.orgUrl, '--api-token-file', '-', ...extra], {}, token);
    expect((await add([], 'first-token')).code).toBe(0);
    const refused = await add([], 'second-token');

    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('okta-connector/cli-kept exists already; run again with --replace');
    expect(storedSecret('okta-connector/cli-kept').auth.token).toBe('first-token');
    expect((await add(['--replace'], 'second-token')).code).toBe(0);
    expect(storedSecret('okta-connector/cli-kept').auth.token).toBe('second-token');
  });

  it('generates the event hook secret, stores it as <name>/event-hook and prints it once', async () => {
    const { code, stdout } = await cli(
      [
        'connections',
        'add',
        'cli-hooked',
        '--domain',
        sandbox.orgUrl,
        '--api-token-file',
        '-',
        '--generate-event-hook-secret',
      ],
      {},
      sandbox.apiToken,
    );

    expect(code).toBe(0);
    const stored = storedSecret('okta-connector/cli-hooked/event-hook');
    expect(stored.eventHookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stdout.split(stored.eventHookSecret)).toHaveLength(2);
    expect(sandbox.aws.secrets.get('okta-connector/cli-hooked')).not.toContain(stored.eventHookSecret);
  });

  it('refuses a typed event hook secret under 32 characters', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'okc-')), 'hook');
    writeFileSync(file, 'too-short-secret');
    const { code, stderr } = await cli(
      [
        'connections',
        'add',
        'cli-weak',
        '--domain',
        sandbox.orgUrl,
        '--api-token-file',
        '-',
        '--event-hook-secret-file',
        file,
      ],
      {},
      sandbox.apiToken,
    );

    expect(code).toBe(2);
    expect(stderr).toContain('at least 32 characters');
    expect(sandbox.aws.secrets.get('okta-connector/cli-weak')).toBeUndefined();
  });

  it('refuses a domain that is not an Okta domain over HTTPS, naming the field', async () => {
    const { code, stderr } = await cli(
      ['connections', 'add', 'x', '--domain', 'http://acme.example.com', '--api-token-file', '-'],
      {},
      't',
    );

    expect(code).toBe(1);
    expect(stderr).toContain('domain');
  });
});

describe('okta-connector connections add --kms-key-id (issue 16 part 4)', () => {
  const add = (name: string, kmsKeyId: string, ...extra: string[]) =>
    cli([
      'connections',
      'add',
      name,
      '--domain',
      sandbox.orgUrl,
      '--client-id',
      '0oaPending',
      '--kms-key-id',
      kmsKeyId,
      ...extra,
    ]);

  it('signs in with the sandbox kms connection, whose P-256 key never leaves the local KMS', async () => {
    const { code, stdout } = await cli(['connections', 'test', 'kms', '--json']);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ connection: 'kms', auth: 'client-credentials', ok: true });
    expect(storedSecret('okta-connector/kms').auth).not.toHaveProperty('privateKey');
  });

  it('stores the connection, prints the public JWK to register, and signs in once the app trusts it', async () => {
    const keyId = await sandbox.aws.kms.createKey('RSA_2048');
    const { code, stdout } = await add('cli-kms', keyId, '--scopes', 'okta.users.read', '--json');
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as { publicJwk: { kid: string; kty: string; alg: string } };
    expect(printed).toMatchObject({
      connection: 'cli-kms',
      auth: 'client-credentials',
      secretId: 'okta-connector/cli-kms',
    });
    expect(printed.publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(printed.publicJwk).not.toHaveProperty('d');

    // The admin registers the printed key with a new service app; the connection then names that app.
    const app = await fetch(`${sandbox.orgUrl}/__sim/oauth-clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'cli-kms', jwks: [printed.publicJwk], grantedScopes: ['okta.users.read'] }),
    }).then((r) => r.json() as Promise<{ clientId: string }>);
    const secret = storedSecret('okta-connector/cli-kms');
    expect(secret.auth).toEqual({
      type: 'client-credentials',
      clientId: '0oaPending',
      kmsKeyId: keyId,
      keyId: printed.publicJwk.kid,
      scopes: ['okta.users.read'],
    });
    sandbox.aws.secrets.put('okta-connector/cli-kms', { ...secret, auth: { ...secret.auth, clientId: app.clientId } });

    const tested = await cli(['connections', 'test', 'cli-kms']);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain('(client-credentials) and read 1 user');
  });

  it('prints the key to register after the saved line, under the --key-id given', async () => {
    const { code, stdout } = await add('cli-kms-kid', await sandbox.aws.kms.createKey(), '--key-id', 'my-kid');

    expect(code).toBe(0);
    expect(stdout).toContain('Saved connection "cli-kms-kid"');
    expect(stdout).toContain('Register this public key with the Okta app');
    expect(JSON.parse(stdout.slice(stdout.indexOf('{\n')))).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      kid: 'my-kid',
      alg: 'ES256',
    });
  });

  it.each([
    ['an encryption key', () => sandbox.aws.kms.createKey('RSA_2048', 'ENCRYPT_DECRYPT'), 'key usage ENCRYPT_DECRYPT'],
    ['a secp256k1 key', () => sandbox.aws.kms.createKey('ECC_SECG_P256K1'), 'is a ECC_SECG_P256K1 key; Okta accepts'],
    ['a key that does not exist', () => Promise.resolve('0b4a44a4-0000-4000-8000-000000000000'), 'NotFoundException'],
  ])('refuses %s with exit code 1, saying why, and stores nothing', async (_case, key, problem) => {
    const { code, stderr } = await add('cli-kms-bad', await key());

    expect(code).toBe(1);
    expect(stderr).toContain(problem);
    expect(sandbox.aws.secrets.get('okta-connector/cli-kms-bad')).toBeUndefined();
  });

  it('refuses a --kms-key-id KMS would not take before asking KMS, naming the field', async () => {
    const reads = sandbox.aws.kms.calls('GetPublicKey');
    const { code, stderr } = await add('cli-kms-malformed', 'my key');

    expect(code).toBe(1);
    expect(stderr).toContain('auth.kmsKeyId must be a KMS key id, key ARN, alias name');
    expect(sandbox.aws.kms.calls('GetPublicKey')).toBe(reads);
  });

  it('refuses --kms-key-id with --private-key-file (exit code 2)', async () => {
    const { code, stderr } = await add('cli-kms-both', 'alias/x', '--private-key-file', '/dev/null', '--key-id', 'k');

    expect(code).toBe(2);
    expect(stderr).toContain('give --private-key-file or --kms-key-id, not both');
  });
});

describe('okta-connector events tail', () => {
  it('prints the events on the local bus as lines', async () => {
    await fetch(`${sandbox.actionsUrl}/actions/suspend-user`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: await activeUserId() }),
    });
    await waitFor(async () => ((await fetch(sandbox.eventsUrl).then((r) => r.json())) as unknown[]).length > 0);
    const { code, stdout } = await cli(['events', 'tail', '--once', '--lines', 'all']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d\d:\d\d:\d\d user\.lifecycle\.suspend {2}\S+ {2}via event-hook$/m);
  });

  it('prints the entries as JSON lines with --json', async () => {
    const { stdout } = await cli(['events', 'tail', '--once', '--json', '--lines', '1']);

    expect(JSON.parse(stdout.trim())).toMatchObject({ Source: 'okta-connector', EventBusName: 'default' });
  });
});

describe('okta-connector replay', () => {
  it('publishes a past range again with a progress bar, marked as replayed', async () => {
    const { code, stdout, stderr } = await cli([
      'replay',
      '--since',
      '2h',
      '--types',
      'user.lifecycle.suspend',
      '--slices',
      '2',
    ]);

    expect(code).toBe(0);
    expect(stderr).toMatch(/replay \[#{15}\.{15}\] +50%/);
    expect(JSON.parse(stdout)).toMatchObject({ published: match.any(Number) });
    const replayed = sandbox.aws.eventBridge
      .entries()
      .filter((e) => (JSON.parse(e.Detail) as OktaEventDetail)['okta-connector']?.replayed === true);
    expect(replayed.length).toBeGreaterThan(0);
    expect(replayed.every((e) => e.DetailType === 'user.lifecycle.suspend')).toBe(true);
  });

  it('replays through the deployed replay function with --function-name', async () => {
    const before = sandbox.aws.eventBridge.entries().length;
    const { code, stdout } = await cli([
      'replay',
      '--since',
      '2h',
      '--types',
      'user.lifecycle.suspend',
      '--slices',
      '1',
      '--function-name',
      'okta-connector-replay',
    ]);

    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { published: number }).published).toBeGreaterThan(0);
    expect(sandbox.aws.eventBridge.entries().length).toBeGreaterThan(before);
  });

  it('requires --since', async () => {
    const { code, stderr } = await cli(['replay']);

    expect(code).toBe(2);
    expect(stderr).toContain('--since is required');
  });
});

function activeUserId(): Promise<string> {
  const user = sandbox.sim?.org.users().find((u) => u.status === 'ACTIVE' && u.id !== sandbox.sim?.org.adminUserId);
  return Promise.resolve(String(user?.id));
}

async function waitFor(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('okta-connector hooks (issue 16 part 1), against the simulated org', () => {
  const hookUrl = () => `${sandbox.eventHookUrl}?connection=default`;
  interface SimHook {
    id: string;
    name: string;
    status: string;
    verificationStatus: string;
    events: { items: string[] };
    channel: { config: { uri: string } };
  }
  const okta = async (method: string, path: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${sandbox.orgUrl}${path}`, {
      method,
      headers: { authorization: `SSWS ${sandbox.apiToken}`, accept: 'application/json', 'content-length': '0' },
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const simHooks = async () => (await okta('GET', '/api/v1/eventHooks')).body as SimHook[];
  const hookAt = async (uri: string) => (await simHooks()).find((hook) => hook.channel.config.uri === uri);
  const storedSecret = () =>
    JSON.parse(sandbox.aws.secrets.get('okta-connector/default/event-hook') ?? '{}') as {
      eventHookSecret: string;
      previousEventHookSecret?: string;
      verificationOpenUntil?: number;
    };

  it('registers a VERIFIED, ACTIVE hook with the chosen types, whose deliveries the connector accepts', async () => {
    const { code, stdout } = await cli([
      'hooks',
      'register',
      'default',
      '--url',
      hookUrl(),
      '--types',
      'user.lifecycle.create,user.lifecycle.suspend',
    ]);

    expect(code).toBe(0);
    const hook = await hookAt(hookUrl());
    expect(hook).toMatchObject({
      name: 'okta-connector default',
      status: 'ACTIVE',
      verificationStatus: 'VERIFIED',
      events: { items: ['user.lifecycle.create', 'user.lifecycle.suspend'] },
    });
    expect(stdout).toContain(`Registered event hook ${hook!.id}: ACTIVE VERIFIED, 2 event types`);
    expect(stdout).not.toContain(storedSecret().eventHookSecret);
    // The verification window was open for Okta's GET and is closed again now that Okta has verified (item 6).
    expect(storedSecret().verificationOpenUntil).toBeLessThanOrEqual(Date.now());
    const deliveries = () =>
      fetch(`${sandbox.orgUrl}/__sim/hook-deliveries?hookId=${hook!.id}`).then(
        (r) => r.json() as Promise<Array<{ kind: string; status?: number }>>,
      );
    await fetch(`${sandbox.actionsUrl}/actions/suspend-user`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: await activeUserId() }),
    });
    // A cold container may miss Okta's 3 s on the first attempt; Okta's one retry then lands on a warm one.
    await waitFor(async () => (await deliveries()).some((d) => d.kind === 'deliver' && d.status === 200), 10_000);
    expect((await deliveries()).filter((d) => d.kind === 'deliver').map((d) => d.status)).toContain(200);
  });

  it('registers again idempotently: the same hook, updated in place, with --types all-eligible', async () => {
    const before = await hookAt(hookUrl());
    const { code } = await cli(['hooks', 'register', 'default', '--url', hookUrl(), '--types', 'all-eligible']);

    expect(code).toBe(0);
    const after = await hookAt(hookUrl());
    expect(after?.id).toBe(before?.id);
    expect(after?.events.items).toHaveLength(264);
    expect(after).toMatchObject({ status: 'ACTIVE', verificationStatus: 'VERIFIED' });
  });

  it('refuses an event type Okta does not allow in a hook, naming it, before calling Okta', async () => {
    const { code, stderr } = await cli([
      'hooks',
      'register',
      'default',
      '--url',
      hookUrl(),
      '--types',
      'user.lifecycle.create,user.made.up',
    ]);

    expect(code).toBe(2);
    expect(stderr).toContain('not event types Okta allows in an event hook: user.made.up');
  });

  it('refuses a URL that does not name the connection', async () => {
    const { code, stderr } = await cli([
      'hooks',
      'register',
      'default',
      '--url',
      `${sandbox.eventHookUrl}?connection=web`,
    ]);

    expect(code).toBe(2);
    expect(stderr).toContain('--url must end in ?connection=default');
  });

  it('reports an unverifiable URL and leaves no hook behind', async () => {
    const unreachable = 'http://127.0.0.1:1/event-hook?connection=default';
    const { code, stderr } = await cli([
      'hooks',
      'register',
      'default',
      '--url',
      unreachable,
      '--types',
      'user.lifecycle.create',
    ]);

    expect(code).toBe(1);
    expect(stderr).toContain(`Okta could not verify ${unreachable}`);
    expect(await hookAt(unreachable)).toBeUndefined();
  });

  it('lists a deactivated hook as INACTIVE, and registering activates it again', async () => {
    const hook = await hookAt(hookUrl());
    await okta('POST', `/api/v1/eventHooks/${hook!.id}/lifecycle/deactivate`);
    const listed = await cli(['hooks', 'list', 'default']);

    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${hook!.id} {2}INACTIVE \\(deactivated: receives nothing`, 'm'));
    expect((await cli(['hooks', 'register', 'default', '--url', hookUrl()])).code).toBe(0);
    expect(await hookAt(hookUrl())).toMatchObject({ id: hook!.id, status: 'ACTIVE', verificationStatus: 'VERIFIED' });
  });

  it('rotates the secret: Okta gets the new one and verifies it, the old one is then dropped', async () => {
    const old = storedSecret().eventHookSecret;
    const { code, stdout } = await cli(['hooks', 'rotate', 'default']);

    expect(code).toBe(0);
    expect(stdout).toContain('Rotated the secret of event hook');
    const now = storedSecret();
    expect(now.eventHookSecret).not.toBe(old);
    expect(now.previousEventHookSecret).toBeUndefined();
    for (const hook of (await simHooks()).filter((h) => h.name === 'okta-connector default'))
      expect(hook).toMatchObject({ status: 'ACTIVE', verificationStatus: 'VERIFIED' });
    // A delivery Okta signs with the new secret is accepted a second after the hook's last read of its secret,
    // long before its 300 s cache expires (functions/lib/hook-secrets.ts refreshMinIntervalMs).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const hookId = (await hookAt(hookUrl()))!.id;
    const answer = await fetch(hookUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: now.eventHookSecret },
      body: JSON.stringify({
        eventType: 'com.okta.event_hook',
        source: `${sandbox.orgUrl}/api/v1/eventHooks/${hookId}`,
        data: { events: [] },
      }),
    });
    expect(answer.status).toBe(200);
  });

  it('refuses a connection whose sign-in may not manage hooks, saying which scope it needs', async () => {
    const { code, stderr } = await cli(['hooks', 'list', 'service']);

    expect(code).toBe(1);
    expect(stderr).toContain('OktaForbidden');
    expect(stderr).toContain('okta.eventHooks.manage');
  });

  it("refuses a new hook when the org has Okta's 25 active hooks, and says what to do", async () => {
    const created: string[] = [];
    const active = (await simHooks()).filter((hook) => hook.status === 'ACTIVE').length;
    for (let i = active; i < 25; i++) {
      const response = await fetch(`${sandbox.orgUrl}/api/v1/eventHooks`, {
        method: 'POST',
        headers: { authorization: `SSWS ${sandbox.apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: `filler-${i}`,
          events: { type: 'EVENT_TYPE', items: ['user.lifecycle.create'] },
          channel: { type: 'HTTP', version: '1.0.0', config: { uri: `https://example.com/${i}`, headers: [] } },
        }),
      });
      created.push(((await response.json()) as { id: string }).id);
    }
    const other = `${sandbox.eventHookUrl}?connection=default&copy=2`;
    const { code, stderr } = await cli(['hooks', 'register', 'default', '--url', other]);
    for (const id of created) {
      await okta('POST', `/api/v1/eventHooks/${id}/lifecycle/deactivate`);
      await okta('DELETE', `/api/v1/eventHooks/${id}`);
    }

    expect(code).toBe(1);
    expect(stderr).toContain('the org has 25 active event hooks and Okta allows at most 25');
    expect(await hookAt(other)).toBeUndefined();
  });

  it("removes the connection's hooks from Okta", async () => {
    const { code, stdout } = await cli(['hooks', 'remove', 'default']);

    expect(code).toBe(0);
    expect(stdout).toContain('Removed event hook');
    expect((await simHooks()).filter((h) => h.name === 'okta-connector default')).toEqual([]);
    expect((await cli(['hooks', 'remove', 'default'])).stderr).toContain('has no event hook in Okta');
  });
});
