/**
 * The Okta domain of a connection: `acme.okta.com` or `https://acme.okta.com[/]`, normalised to its origin.
 *
 * Any Okta org or custom domain is accepted over HTTPS (OKTA-API-FACTS §8: custom domains alias the org). Refused:
 * plain HTTP, the `-admin` host (never call the API there, okta-commons-java ConfigurationValidator), paths, ports,
 * user info, queries and fragments, IP literals, and names that cannot be a public org (localhost, single labels,
 * `.internal`, `.local`). The one exception is the simulated org: with `allowInsecureLocalOkta`, plain HTTP with a
 * port on 127.0.0.1, localhost or [::1].
 */

/** Why a domain was refused; the message describes the problem and never repeats the value (it may hold a password). */
export class InvalidOktaDomain extends Error {
  override readonly name = 'InvalidOktaDomain';
}

export interface DomainOptions {
  allowInsecureLocalOkta?: boolean;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const INTERNAL_SUFFIXES = ['.internal', '.local', '.localhost', '.localdomain', '.home.arpa'];
/** Okta's own org domains (OKTA-API-FACTS §8); anything else is a custom domain. */
const OKTA_DOMAINS = [
  'okta.com',
  'okta-emea.com',
  'oktapreview.com',
  'okta-gov.com',
  'okta.mil',
  'okta-miltest.com',
  'trex-gov.com',
];

/** Returns the origin to call (e.g. `https://acme.okta.com`), or throws `InvalidOktaDomain`. */
export function oktaBaseUrl(domain: string, options: DomainOptions = {}): string {
  const trimmed = domain.trim();
  if (trimmed === '') throw new InvalidOktaDomain('is empty');
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  let url: URL;
  try {
    url = new URL(hasScheme ? trimmed : `https://${trimmed}`);
  } catch {
    throw new InvalidOktaDomain('is not a host name or https URL');
  }

  if (
    options.allowInsecureLocalOkta &&
    LOCAL_HOSTS.has(url.hostname) &&
    (url.protocol === 'http:' || url.protocol === 'https:')
  ) {
    checkNoExtras(url);
    return url.origin;
  }
  if (url.protocol !== 'https:') throw new InvalidOktaDomain('must use https');
  checkNoExtras(url);
  if (url.port !== '') throw new InvalidOktaDomain('must not have a port');

  const host = url.hostname;
  if (/^\d+(\.\d+){3}$/.test(host) || host.startsWith('['))
    throw new InvalidOktaDomain('must be a host name, not an IP address');
  if (host === 'localhost' || INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    throw new InvalidOktaDomain('must be a public host name, not a local or internal one');
  }
  if (!host.includes('.') || host.endsWith('.'))
    throw new InvalidOktaDomain('must be a fully qualified host name, e.g. acme.okta.com');
  if (host.split('.')[0]?.endsWith('-admin')) {
    throw new InvalidOktaDomain('must not be the Okta admin host (-admin); use the org host, e.g. acme.okta.com');
  }
  return url.origin;
}

/** Whether a base URL is on one of Okta's own domains rather than a custom domain. */
export function isOktaOwnedDomain(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname;
  return OKTA_DOMAINS.some((suffix) => host.endsWith(`.${suffix}`));
}

function checkNoExtras(url: URL): void {
  if (url.username !== '' || url.password !== '') throw new InvalidOktaDomain('must not contain user info');
  if (url.pathname !== '/' && url.pathname !== '') throw new InvalidOktaDomain('must not have a path');
  if (url.search !== '' || url.hash !== '' || url.href.endsWith('?') || url.href.endsWith('#')) {
    throw new InvalidOktaDomain('must not have a query or fragment');
  }
}
