/**
 * The Okta domain of a connection: `acme.okta.com` or `https://acme.okta.com[/]`, normalised to its origin.
 *
 * Any Okta org or custom domain is accepted over HTTPS (OKTA-API-FACTS §8: custom domains alias the org). Refused:
 * plain HTTP, Okta's own `-admin` hosts (`acme-admin.okta.com`: never call the API there, okta-commons-java
 * ConfigurationValidator; a custom domain such as `sso-admin.example.com` is fine), paths, ports, user info,
 * queries and fragments, IP literals, names that cannot be a public org (localhost, single labels, `.internal`,
 * `.local`), names that spell an IP address for wildcard DNS (`169.254.169.254.nip.io`), and non-ASCII or IDNA
 * (`xn--`) forms, which can be homographs of a real org. `domainWarning` says when a domain is outside Okta's own. The one exception is the simulated org: with `allowInsecureLocalOkta`, plain HTTP with a
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
/** Public wildcard DNS services: any name under them resolves to the address it spells. */
const WILDCARD_DNS = ['nip.io', 'sslip.io', 'xip.io', 'localtest.me', 'lvh.me', 'traefik.me'];
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
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(trimmed)) throw new InvalidOktaDomain('must be plain ASCII (no internationalised names)');
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
  const labels = host.split('.');
  if (labels.some((label) => label.startsWith('xn--')))
    throw new InvalidOktaDomain('must not be an internationalised (xn--) name');
  if (/(^|\.)\d{1,3}([.-]\d{1,3}){3}(\.|$)/.test(host) || WILDCARD_DNS.some((suffix) => host.endsWith(`.${suffix}`)))
    throw new InvalidOktaDomain('must not be a name that spells an IP address (wildcard DNS such as nip.io)');
  if (isOktaOwnedDomain(url.origin) && labels[0]?.endsWith('-admin')) {
    throw new InvalidOktaDomain('must not be the Okta admin host (-admin); use the org host, e.g. acme.okta.com');
  }
  return url.origin;
}

/**
 * A warning for an accepted domain outside Okta's own (a custom domain, or a typo aimed elsewhere), to log when a
 * connection is loaded; undefined for Okta's domains and the local simulated org.
 */
export function domainWarning(baseUrl: string): string | undefined {
  const url = new URL(baseUrl);
  if (url.protocol === 'http:' || isOktaOwnedDomain(baseUrl)) return undefined;
  return `domain ${url.hostname} is not on one of Okta's domains (${OKTA_DOMAINS.join(', ')}); make sure it is your org's custom domain`;
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
