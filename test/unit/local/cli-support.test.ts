import { describe, expect, it } from 'vitest';
import { parseTime, UsageError } from '../../../bin/cli-support.js';
import { secretFromFlags } from '../../../bin/connections.js';

const now = Date.parse('2026-11-29T12:00:00.000Z');

describe('parseTime', () => {
  it.each([
    ['30m', '2026-11-29T11:30:00.000Z'],
    ['2h', '2026-11-29T10:00:00.000Z'],
    ['7d', '2026-11-22T12:00:00.000Z'],
    ['2026-11-29T08:00:00Z', '2026-11-29T08:00:00.000Z'],
  ])('reads %s as %s', (value, iso) => {
    expect(parseTime(value, 'since', now)).toBe(iso);
  });

  it('refuses anything else with an example of what it takes', () => {
    expect(() => parseTime('yesterday', 'since', now)).toThrow(
      /--since must be an ISO 8601 time .* or an age such as 2h/,
    );
  });
});

describe('secretFromFlags', () => {
  it('builds an API token connection', () => {
    expect(secretFromFlags({ domain: 'acme.okta.com', 'api-token': 't', 'event-hook-secret': 'h' })).toEqual({
      domain: 'acme.okta.com',
      auth: { type: 'api-token', token: 't' },
      eventHookSecret: 'h',
    });
  });

  it('builds an authorization-code connection with its scopes', () => {
    expect(
      secretFromFlags({
        domain: 'acme.okta.com',
        'client-id': 'c',
        'client-secret': 's',
        scopes: 'okta.users.read, okta.groups.read',
      }),
    ).toEqual({
      domain: 'acme.okta.com',
      auth: {
        type: 'authorization-code',
        clientId: 'c',
        clientSecret: 's',
        scopes: ['okta.users.read', 'okta.groups.read'],
      },
    });
  });

  it('asks for the key id of a private key', () => {
    expect(() =>
      secretFromFlags({ domain: 'acme.okta.com', 'client-id': 'c', 'private-key-file': '/dev/null' }),
    ).toThrow(UsageError);
  });

  it('asks for the domain', () => {
    expect(() => secretFromFlags({ 'api-token': 't' })).toThrow(/--domain is required/);
  });
});
