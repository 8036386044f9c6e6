import { describe, expect, it } from 'vitest';
import { findAction } from '../../../../functions/catalog.js';
import { InvalidInput } from '../../../../functions/lib/errors.js';
import type { JsonSchema } from '../../../../functions/lib/actions/json-schema.js';
import { validateInput } from '../../../../functions/lib/actions/validate-input.js';

function problemsOf(schema: JsonSchema, value: unknown): string[] {
  try {
    validateInput(schema, value);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInput);
    return (error as InvalidInput).fields.map((f) => (f.field ? `${f.field}: ${f.problem}` : f.problem));
  }
  return [];
}

const createUser = findAction('create-user')!.input;
const searchUsers = findAction('search-users')!.input;
const updateUser = findAction('update-user')!.input;
const logons = findAction('get-logon-events-by-ip')!.input;
const getUser = findAction('get-user')!.input;

describe('validateInput', () => {
  it('returns a copy with the defaults applied', () => {
    const input = { profile: { login: 'a@example.com', email: 'a@example.com', firstName: 'A', lastName: 'B' } };
    const result = validateInput<Record<string, unknown>>(createUser, input);
    expect(result.activate).toBe(true);
    expect(input).not.toHaveProperty('activate');
  });

  it('keeps a value given instead of the default', () => {
    const result = validateInput<Record<string, unknown>>(logons, { ipAddress: '10.0.0.1', limit: 5 });
    expect(result.limit).toBe(5);
  });

  it('names every missing required field with its path', () => {
    expect(problemsOf(createUser, { profile: { login: 'a' } })).toEqual([
      'profile.email: is required',
      'profile.firstName: is required',
      'profile.lastName: is required',
    ]);
  });

  it('refuses unknown top-level fields by name', () => {
    expect(problemsOf(getUser, { userId: '00u1', userid: 'x' })).toEqual(['userid: is not a known field']);
  });

  it('accepts any extra profile attribute', () => {
    const profile = { login: 'a@example.com', email: 'a@example.com', firstName: 'A', lastName: 'B', costCenter: 42 };
    expect(problemsOf(createUser, { profile })).toEqual([]);
  });

  it('refuses an input that is not an object', () => {
    expect(problemsOf(getUser, ['00u1'])).toEqual(['the input must be a JSON object']);
    expect(problemsOf(getUser, null)).toEqual(['the input must be a JSON object']);
  });

  it.each([
    [{ userId: 42 }, 'userId: must be a string'],
    [{ userId: '' }, 'userId: must not be empty'],
    [{ userId: 'x'.repeat(101) }, 'userId: must be at most 100 characters'],
    [{ userId: '../00u1' }, 'userId: must be an id or login without "/", "\\", ".." or their percent-encodings'],
    [{ userId: '00u1%2F..' }, 'userId: must be an id or login without "/", "\\", ".." or their percent-encodings'],
    [{ userId: '..' }, 'userId: must be an id or login without "/", "\\", ".." or their percent-encodings'],
    [{ userId: 'a\\b' }, 'userId: must be an id or login without "/", "\\", ".." or their percent-encodings'],
    [{ userId: '00u1', connection: 'a/b' }, 'connection: must match ^[A-Za-z0-9_+=.@-]{1,128}$'],
  ])('refuses %j', (input, problem) => {
    expect(problemsOf(getUser, input)).toEqual([problem]);
  });

  it.each([
    [{ ipAddress: '300.1.1.1' }, 'ipAddress: must be an IPv4 or IPv6 address'],
    [{ ipAddress: 'fe80::1%eth0' }, 'ipAddress: must be an IPv4 or IPv6 address'],
    [
      { ipAddress: '10.0.0.1', since: 'yesterday' },
      'since: must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00.000Z',
    ],
    [{ ipAddress: '10.0.0.1', limit: 0 }, 'limit: must be at least 1'],
    [{ ipAddress: '10.0.0.1', limit: 1001 }, 'limit: must be at most 1000'],
    [{ ipAddress: '10.0.0.1', limit: 1.5 }, 'limit: must be an integer'],
    [{ ipAddress: '10.0.0.1', limit: '5' }, 'limit: must be a number'],
    [{ ipAddress: '10.0.0.1', outcome: 'DENY' }, 'outcome: must be one of "SUCCESS", "FAILURE"'],
  ])('refuses %j in get-logon-events-by-ip', (input, problem) => {
    expect(problemsOf(logons, input)).toEqual([problem]);
  });

  it.each(['10.0.0.1', '184.73.186.14', '2001:db8::8a2e:370:7334', '::1'])('accepts the IP address %s', (ipAddress) => {
    expect(
      problemsOf(logons, { ipAddress, since: '2026-01-31T12:00:00Z', until: '2026-01-31T13:00:00.123+02:00' }),
    ).toEqual([]);
  });

  it('refuses strings with characters Okta cannot store (4 bytes in UTF-8), nested profile values too', () => {
    const profile = {
      login: 'a@example.com',
      email: 'a@example.com',
      firstName: 'A😀',
      lastName: 'B',
      nickName: ['ok', '🎉'],
    };
    expect(problemsOf(createUser, { profile })).toEqual([
      'profile.firstName: contains a character Okta does not support (4 bytes in UTF-8, e.g. an emoji)',
      'profile.nickName[1]: contains a character Okta does not support (4 bytes in UTF-8, e.g. an emoji)',
    ]);
  });

  it('counts length in characters, not UTF-16 units', () => {
    const profile = { login: 'a@example.com', email: 'a@example.com', firstName: 'é'.repeat(50), lastName: 'B' };
    expect(problemsOf(createUser, { profile })).toEqual([]);
  });

  it('refuses a bad email and a bad array', () => {
    const profile = { login: 'a', email: 'not-an-email', firstName: 'A', lastName: 'B' };
    const groupIds = Array.from({ length: 21 }, (_, i) => `00g${i}`);
    expect(problemsOf(createUser, { profile, groupIds: [...groupIds] })).toEqual([
      'profile.email: must be an email address',
      'groupIds: must have at most 20 items',
    ]);
    expect(problemsOf(createUser, { profile: { ...profile, email: 'a@b.c' }, groupIds: ['00g1', '00g1'] })).toEqual([
      'groupIds: must not repeat an item',
    ]);
  });

  it('requires exactly one of search, filter and query', () => {
    expect(problemsOf(searchUsers, {})).toEqual(['exactly one of search, filter, query is required']);
    expect(problemsOf(searchUsers, { search: 'a', query: 'b' })).toEqual([
      'only one of search, filter, query may be given (got search, query)',
    ]);
    expect(problemsOf(searchUsers, { filter: 'status eq "ACTIVE"' })).toEqual([]);
  });

  it('requires at least one of profile and password for update-user', () => {
    expect(problemsOf(updateUser, { userId: '00u1' })).toEqual(['at least one of profile, password is required']);
    expect(problemsOf(updateUser, { userId: '00u1', password: 'x' })).toEqual([]);
  });

  it('keeps a field named __proto__ as data, never as the prototype', () => {
    const input = JSON.parse('{"userId":"00u1","profile":{"__proto__":{"polluted":true}}}') as unknown;
    const result = validateInput<{ profile: Record<string, unknown> }>(updateUser, input);
    expect(Object.getPrototypeOf(result.profile)).toBe(Object.prototype);
    expect(Object.hasOwn(result.profile, '__proto__')).toBe(true);
  });

  it('puts every problem in the InvalidInput message', () => {
    expect(() => validateInput(createUser, { profile: {}, activate: 'yes' })).toThrow(
      'profile.login: is required; profile.email: is required; profile.firstName: is required; profile.lastName: is required; activate: must be true or false',
    );
  });

  it('refuses Object.prototype names (constructor, toString, hasOwnProperty) as unknown fields', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__']) {
      const input = JSON.parse(`{"userId": "00u1", "${name}": {"x": 1}}`) as unknown;
      expect(problemsOf(getUser, input)).toEqual([`${name}: is not a known field`]);
    }
  });

  it('does not take a required field from Object.prototype', () => {
    const schema: JsonSchema = { type: 'object', required: ['toString'], properties: {} };
    expect(problemsOf(schema, {})).toEqual(['toString: is required']);
  });

  it('refuses 20,000 nested arrays as InvalidInput, without overflowing the stack', () => {
    const nested = JSON.parse('['.repeat(20_000) + ']'.repeat(20_000)) as unknown;
    const problems = problemsOf(updateUser, { userId: '00u1', profile: { nickName: nested } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^profile\.nickName(\[0\])+: nests deeper than 32 levels$/);
  });

  it('refuses an object with more than 1,000 fields', () => {
    const profile = Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`attribute${i}`, 'x']));
    expect(problemsOf(updateUser, { userId: '00u1', profile })).toEqual(['profile: must have at most 1000 fields']);
  });
});
