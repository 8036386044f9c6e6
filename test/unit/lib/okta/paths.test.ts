import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../../functions/lib/errors.js';
import { withoutLinks } from '../../../../functions/lib/okta/objects.js';
import { groupPath, scimString, segment, userPath } from '../../../../functions/lib/okta/paths.js';

describe('okta paths', () => {
  it('encodes a login into one path segment', () => {
    expect(userPath('ada+test@example.com')).toBe('/api/v1/users/ada%2Btest%40example.com');
    expect(groupPath('00g1')).toBe('/api/v1/groups/00g1');
  });

  it.each(['..', '.', '../00u1', 'a/b', 'a\\b', '00u1%2F..', '%2e%2e', '%5C', ''])('refuses %j', (value) => {
    expect(() => segment(value, 'userId')).toThrow(InvalidInput);
  });

  it('escapes backslashes and double quotes in a SCIM string', () => {
    expect(scimString('R&D "Core" \\ Team')).toBe('"R&D \\"Core\\" \\\\ Team"');
  });
});

describe('withoutLinks', () => {
  it('removes only the top-level _links', () => {
    const group = {
      id: '00g1',
      _links: { self: {} },
      _embedded: { stats: { usersCount: 1 } },
      profile: { _links: 'kept' },
    };
    expect(withoutLinks(group)).toEqual({
      id: '00g1',
      _embedded: { stats: { usersCount: 1 } },
      profile: { _links: 'kept' },
    });
  });

  it('leaves what is not an object unchanged', () => {
    expect(withoutLinks(undefined)).toBeUndefined();
    expect(withoutLinks([1])).toEqual([1]);
  });
});
