// The SCIM filter language of Okta's search, filter and System Log queries.
import { describe, expect, it } from 'vitest';
import { FilterSyntaxError, matchesFilter, parseFilter } from '../../local/okta-sim/scim-filter.js';

const user = {
  id: '00u1',
  status: 'ACTIVE',
  lastUpdated: '2026-02-01T00:00:00.000Z',
  profile: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', nickName: null },
};
const event = {
  eventType: 'user.session.start',
  target: [{ id: '00uA' }, { id: '0oaB' }],
  outcome: { result: 'FAILURE' },
};

const matches = (filter: string, object: unknown = user) => matchesFilter(parseFilter(filter), object);

describe('SCIM filters', () => {
  it.each([
    ['profile.firstName eq "ada"', true],
    ['profile.lastName sw "Love"', true],
    ['profile.email co "example"', true],
    ['profile.email ew ".org"', false],
    ['lastUpdated gt "2026-01-01T00:00:00.000Z"', true],
    ['lastUpdated lt "2026-01-01T00:00:00.000Z"', false],
    ['profile.nickName pr', false],
    ['status ne "ACTIVE"', false],
    ['status eq "STAGED" or profile.firstName eq "Ada" and status eq "ACTIVE"', true],
    ['(status eq "STAGED" or profile.firstName eq "Ada") and status eq "SUSPENDED"', false],
    ['not (status eq "ACTIVE")', false],
  ])('evaluates %s as %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it('matches a value anywhere in an array of objects', () => {
    expect(matches('target.id eq "0oaB"', event)).toBe(true);
  });

  it('reads escaped quotes inside string values', () => {
    expect(matches('profile.lastName eq "O\\"Brien"', { profile: { lastName: 'O"Brien' } })).toBe(true);
  });

  it.each([
    'profile.login eq',
    'status eq "A" and',
    '(status eq "A"',
    'emails[type eq "work"]',
    'status like "A"',
    'status eq "A" status',
  ])('refuses the malformed filter %s', (filter) => {
    expect(() => parseFilter(filter)).toThrow(FilterSyntaxError);
  });
});
