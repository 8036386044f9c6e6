import { describe, expect, it } from 'vitest';
import { parseResponseBody } from '../../../../functions/lib/okta/response-body.js';

describe('parseResponseBody: JSON or text, shared by the client and the token endpoint', () => {
  it('parses a JSON body', () => {
    expect(parseResponseBody('{"errorCode":"E0000047"}')).toEqual({ errorCode: 'E0000047' });
  });

  it("keeps a proxy's HTML error page as text rather than throwing", () => {
    expect(parseResponseBody('<html>502 Bad Gateway</html>')).toBe('<html>502 Bad Gateway</html>');
  });

  it('reads an empty body as undefined', () => {
    expect(parseResponseBody('')).toBeUndefined();
  });
});
