import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../../functions/lib/config.js';
import {
  clearHookSecretCache,
  hookSecretName,
  loadHookSecrets,
  NEGATIVE_CACHE_MS,
  newHookSecret,
  REFRESH_MIN_INTERVAL_MS,
  parseHookSecrets,
  writeHookSecrets,
} from '../../../functions/lib/hook-secrets.js';

const secrets = new SecretsManagerClient({});
const sm = mockClient(secrets);
const cfg = readConfig({ CONNECTION_CACHE_SECONDS: '300' });
let clock = 1_000_000;
const deps = { secrets, cfg, now: () => clock };
const SECRET = 'a-hook-secret-of-32-characters-0123456789';

function stored(value: unknown) {
  sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(value) });
}

beforeEach(() => {
  sm.reset();
  clearHookSecretCache();
  clock = 1_000_000;
});

describe('hook secrets: where they live', () => {
  it('names the secret <prefix><connection>/event-hook, apart from the connection secret', () => {
    expect(hookSecretName('acme', cfg)).toBe('okta-connector/acme/event-hook');
  });

  it('loads {eventHookSecret, previousEventHookSecret} from that secret', async () => {
    stored({ eventHookSecret: SECRET, previousEventHookSecret: 'old' });
    await expect(loadHookSecrets('acme', deps)).resolves.toEqual({
      eventHookSecret: SECRET,
      previousEventHookSecret: 'old',
    });
    expect(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'okta-connector/acme/event-hook',
    });
  });
});

describe('hook secrets: the container cache', () => {
  it('reads Secrets Manager once while the loaded secret is fresh', async () => {
    stored({ eventHookSecret: SECRET });
    await loadHookSecrets('acme', deps);
    clock += 299_000;
    await loadHookSecrets('acme', deps);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    clock += 2_000;
    await loadHookSecrets('acme', deps);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('remembers a missing secret for the negative window, so a flood costs one call per window', async () => {
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
    const attempts = await Promise.allSettled(Array.from({ length: 50 }, () => loadHookSecrets('ghost', deps)));
    expect(attempts.every((a) => a.status === 'rejected' && (a.reason as Error).name === 'UnknownConnection')).toBe(
      true,
    );
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    clock += NEGATIVE_CACHE_MS - 1;
    await loadHookSecrets('ghost', deps).catch(() => undefined);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    clock += 2;
    await loadHookSecrets('ghost', deps).catch(() => undefined);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('remembers an AWS refusal (AccessDenied) as briefly, as an InternalError that names no secret', async () => {
    sm.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('not authorized to GetSecretValue'), { name: 'AccessDeniedException' }),
    );
    const error = await loadHookSecrets('acme', deps).catch((e: Error) => e);
    expect(error).toMatchObject({
      name: 'InternalError',
      message: 'Connection "acme": could not read its event hook secret',
    });
    await loadHookSecrets('acme', deps).catch(() => undefined);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reads again on refresh (a secret that did not match), at most once a second, never past a failure', async () => {
    stored({ eventHookSecret: SECRET });
    await loadHookSecrets('acme', deps);
    await loadHookSecrets('acme', deps, { refresh: true });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    stored({ eventHookSecret: 'rotated-secret', previousEventHookSecret: SECRET });
    clock += REFRESH_MIN_INTERVAL_MS;
    await expect(loadHookSecrets('acme', deps, { refresh: true })).resolves.toMatchObject({
      eventHookSecret: 'rotated-secret',
    });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});

describe('hook secrets: checks', () => {
  it.each([
    ['not an object', 'x', 'the secret is not a JSON object'],
    ['no eventHookSecret', {}, 'eventHookSecret is required'],
    ['an empty eventHookSecret', { eventHookSecret: '' }, 'eventHookSecret is required'],
    [
      'a previous secret that is not a string',
      { eventHookSecret: SECRET, previousEventHookSecret: 5 },
      'previousEventHookSecret must be',
    ],
    ['a domain that is not an org', { eventHookSecret: SECRET, domain: 'https://' }, 'domain must be'],
    ['a domain that is not a string', { eventHookSecret: SECRET, domain: 7 }, 'domain must be'],
    [
      'a verification window that is not a time',
      { eventHookSecret: SECRET, verificationOpenUntil: 'tomorrow' },
      'verificationOpenUntil must be',
    ],
  ])('refuses %s, naming the field and never the value', (_case, value, problem) => {
    const error = (() => {
      try {
        parseHookSecrets('acme', value);
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.name).toBe('InternalError');
    expect(error.message).toContain(problem);
    expect(error.message).not.toContain(SECRET);
  });

  it('generates 32 random bytes as 43 base64url characters', () => {
    const [a, b] = [newHookSecret(), newHookSecret()];
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });
});

describe('hook secrets: writing', () => {
  it('creates the secret, or puts a new version when it exists, and forgets the cached value', async () => {
    stored({ eventHookSecret: SECRET });
    await loadHookSecrets('acme', deps);
    sm.on(CreateSecretCommand).rejects(new ResourceExistsException({ message: 'exists', $metadata: {} }));
    sm.on(PutSecretValueCommand).resolves({});
    await writeHookSecrets('acme', { eventHookSecret: 'next', previousEventHookSecret: SECRET }, deps);
    expect(JSON.parse(sm.commandCalls(PutSecretValueCommand)[0]!.args[0].input.SecretString!)).toEqual({
      eventHookSecret: 'next',
      previousEventHookSecret: SECRET,
    });
    stored({ eventHookSecret: 'next' });
    await expect(loadHookSecrets('acme', deps)).resolves.toEqual({ eventHookSecret: 'next' });
  });
});

describe('the org a hook secret names', () => {
  it('keeps the domain, as the connection writes it, so the hook can check where a delivery comes from', () => {
    expect(parseHookSecrets('acme', { eventHookSecret: SECRET, domain: 'acme.okta.com' })).toEqual({
      eventHookSecret: SECRET,
      domain: 'acme.okta.com',
    });
  });
});
