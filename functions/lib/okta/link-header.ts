/**
 * The `Link` header of Okta's paged responses (CORE "Pagination"): `<url>; rel="self"` and `<url>; rel="next"`,
 * sent as separate header lines, which fetch's `Headers.get('link')` joins with ", ". Entries are read by their
 * `<…>` delimiters rather than split on commas, because a URL may itself contain a comma.
 */
import type { HeaderReader } from './http-transport.js';

/** Every link of a `Link` header value, by relation (`self`, `next`, …). */
export function parseLinkHeader(value: string | null | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  if (!value) return links;
  const entry = /<([^>]*)>([^<]*)/g;
  for (const [, url, params] of value.matchAll(entry)) {
    const rel = /(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params ?? '');
    const relations = (rel?.[1] ?? rel?.[2] ?? '').split(/\s+/).filter((r) => r !== '');
    for (const relation of relations) links[relation.toLowerCase()] ??= url ?? '';
  }
  return links;
}

/** The `rel="next"` URL of a response, if any. */
export function nextLink(headers: HeaderReader): string | undefined {
  return parseLinkHeader(headers.get('link')).next;
}
