import { describe, expect, it } from 'vitest';
import { parseTime, secretReader, UsageError } from '../../../bin/cli-support.js';
import { secretFromFlags } from '../../../bin/connections.js';
import { match } from '../../support/match.js';

const NOW = Date.parse('2026-11-29T12:00:00.000Z');

describe('parseTime', () => {
  it.each([
    ['30m', '2026-11-29T11:30:00.000Z'],
    ['2h', '2026-11-29T10:00:00.000Z'],
    ['7d', '2026-11-22T12:00:00.000Z'],
    ['2026-11-29T08:00:00Z', '2026-11-29T08:00:00.000Z'],
  ])('reads %s as %s', (value, iso) => {
    expect(parseTime(value, 'since', NOW)).toBe(iso);
  });

  it('refuses anything else with an example of what it takes', () => {
    expect(() => parseTime('yesterday', 'since', NOW)).toThrow(
      /--since must be an ISO 8601 time .* or an age such as 2h/,
    );
  });
});

describe('secretFromFlags', () => {
  // Stands for the files and standard input of a command line: the flag's value names the "file".
  const files: Record<string, string> = { 'token.txt': 't', 'client.txt': 's', 'hook.txt': 'h'.repeat(32) };
  const read = (source: string) => Promise.resolve(files[source] ?? '');

  it('builds an API token connection, its token read from a file', async () => {
    expect(await secretFromFlags({ domain: 'acme.okta.com', 'api-token-file': 'token.txt' }, read)).toEqual({
      secret: { domain: 'acme.okta.com', auth: { type: 'api-token', token: 't' } },
    });
  });

  it('builds an authorization-code connection with its scopes', async () => {
    expect(
      await secretFromFlags(
        {
          domain: 'acme.okta.com',
          'client-id': 'c',
          'client-secret-file': 'client.txt',
          scopes: 'okta.users.read, okta.groups.read',
        },
        read,
      ),
    ).toEqual({
      secret: {
        domain: 'acme.okta.com',
        auth: {
          type: 'authorization-code',
          clientId: 'c',
          clientSecret: 's',
          scopes: ['okta.users.read', 'okta.groups.read'],
        },
      },
    });
  });

  it.each([
    ['api-token', 'api-token-file'],
    ['client-secret', 'client-secret-file'],
    ['event-hook-secret', 'event-hook-secret-file'],
  ])('refuses a secret on the command line (--%s), naming --%s instead', async (flag, instead) => {
    await expect(
      secretFromFlags({ domain: 'acme.okta.com', 'api-token-file': 'token.txt', [flag]: 'visible-in-ps' }, read),
    ).rejects.toThrow(new RegExp(`--${flag} would put the secret in your shell history.*--${instead} -`));
  });

  it('generates a 32-byte hook secret when asked', async () => {
    const { hookSecret } = await secretFromFlags(
      { domain: 'acme.okta.com', 'api-token-file': 'token.txt', 'generate-event-hook-secret': true },
      read,
    );
    expect(hookSecret).toEqual({ value: match.stringMatching(/^[A-Za-z0-9_-]{43}$/), generated: true });
  });

  it('takes a typed hook secret of 32 characters and refuses a shorter one', async () => {
    const flags = { domain: 'acme.okta.com', 'api-token-file': 'token.txt', 'event-hook-secret-file': 'hook.txt' };
    expect((await secretFromFlags(flags, read)).hookSecret).toEqual({ value: 'h'.repeat(32), generated: false });
    files['short.txt'] = 'h'.repeat(31);
    await expect(secretFromFlags({ ...flags, 'event-hook-secret-file': 'short.txt' }, read)).rejects.toThrow(
      /at least 32 characters/,
    );
  });

  it('asks for the key id of a private key', async () => {
    await expect(
      secretFromFlags({ domain: 'acme.okta.com', 'client-id': 'c', 'private-key-file': '/dev/null' }, read),
    ).rejects.toThrow(UsageError);
  });

  it('asks for the domain', async () => {
    await expect(secretFromFlags({ 'api-token-file': 'token.txt' }, read)).rejects.toThrow(/--domain is required/);
  });
});

describe('secretReader', () => {
  const output = {
    out: () => undefined,
    err: () => undefined,
    errIsTty: false,
    readStdin: () => Promise.resolve('from-stdin\n'),
  };

  it('reads a secret from standard input with -, dropping the line end', async () => {
    expect(await secretReader(output)('-', 'api-token-file')).toBe('from-stdin');
  });

  it('reads standard input once per command', async () => {
    const read = secretReader(output);
    await read('-', 'api-token-file');
    await expect(read('-', 'event-hook-secret-file')).rejects.toThrow(/cannot both read standard input/);
  });

  it('names a file it cannot read, and refuses an empty secret', async () => {
    await expect(secretReader(output)('/nonexistent/token', 'api-token-file')).rejects.toThrow(
      /--api-token-file: cannot read the file/,
    );
    await expect(secretReader({ ...output, readStdin: () => Promise.resolve('\n') })('-', 'x')).rejects.toThrow(
      /empty/,
    );
  });
});
