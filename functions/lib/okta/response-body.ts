/**
 * Okta's answers read one way by the API client and the token endpoint: JSON when it is JSON, the text otherwise,
 * so an HTML error page from a proxy becomes an error with a status rather than a crash of the parser.
 */

/** The body as JSON when it parses, as text otherwise; undefined when empty. */
export function parseResponseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
