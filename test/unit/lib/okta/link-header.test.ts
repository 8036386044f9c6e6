import { describe, expect, it } from 'vitest';
import { nextLink, parseLinkHeader } from '../../../../functions/lib/okta/link-header.js';

describe('link-header', () => {
  it('reads self and next from a joined header', () => {
    expect(
      parseLinkHeader(
        '<https://a.okta.com/api/v1/logs?limit=20>; rel="self", <https://a.okta.com/api/v1/logs?limit=20&after=1627500044869_1>; rel="next"',
      ),
    ).toEqual({
      self: 'https://a.okta.com/api/v1/logs?limit=20',
      next: 'https://a.okta.com/api/v1/logs?limit=20&after=1627500044869_1',
    });
  });

  it('reads separate Link header lines', () => {
    const headers = new Headers([
      ['link', '<https://a/1>; rel="self"'],
      ['link', '<https://a/2>; rel="next"'],
    ]);
    expect(nextLink(headers)).toBe('https://a/2');
  });

  it('keeps a comma inside a URL', () => {
    expect(parseLinkHeader('<https://a/x?filter=a,b>; rel=next').next).toBe('https://a/x?filter=a,b');
  });

  it('gives nothing when there is no next link', () => {
    expect(nextLink(new Headers({ link: '<https://a/1>; rel="self"' }))).toBeUndefined();
    expect(nextLink(new Headers())).toBeUndefined();
  });
});
