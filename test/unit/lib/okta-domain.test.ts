import { describe, expect, it } from 'vitest';
import { domainWarning, isOktaOwnedDomain, oktaBaseUrl } from '../../../functions/lib/okta-domain.js';
import { match } from '../../support/match.js';

describe('domain', () => {
  it.each([
    ['acme.okta.com', 'https://acme.okta.com'],
    ['https://acme.okta.com', 'https://acme.okta.com'],
    ['https://acme.okta.com/', 'https://acme.okta.com'],
    ['  ACME.okta-emea.com ', 'https://acme.okta-emea.com'],
    ['dev-123.oktapreview.com', 'https://dev-123.oktapreview.com'],
    ['login.example.com', 'https://login.example.com'],
    ['sso-admin.example.com', 'https://sso-admin.example.com'],
    ['login.acme-admin.example.com', 'https://login.acme-admin.example.com'],
  ])('accepts %s as %s', (domain, baseUrl) => {
    expect(oktaBaseUrl(domain)).toBe(baseUrl);
  });

  it.each([
    ['http://acme.okta.com', 'must use https'],
    ['ftp://acme.okta.com', 'must use https'],
    ['acme-admin.okta.com', 'must not be the Okta admin host'],
    ['https://acme-admin.oktapreview.com/', 'must not be the Okta admin host'],
    ['https://acme.okta.com/api/v1', 'must not have a path'],
    ['acme.okta.com:8443', 'must not have a port'],
    ['https://admin:hunter2@acme.okta.com', 'must not contain user info'],
    ['https://acme.okta.com/?x=1', 'must not have a query or fragment'],
    ['https://acme.okta.com#top', 'must not have a query or fragment'],
    ['10.0.0.5', 'not an IP address'],
    ['https://[2001:db8::1]', 'not an IP address'],
    ['localhost', 'not a local or internal one'],
    ['okta.internal', 'not a local or internal one'],
    ['printer.local', 'not a local or internal one'],
    ['intranet', 'fully qualified'],
    ['', 'is empty'],
    ['http://127.0.0.1:4010', 'must use https'],
    ['169.254.169.254.nip.io', 'spells an IP address'],
    ['10-0-0-1.sslip.io', 'spells an IP address'],
    ['anything.localtest.me', 'spells an IP address'],
    ['acme.xn--kta-ppa.com', 'internationalised'],
    ['xn--acme-9na.okta.com', 'internationalised'],
    ['acme.\u043ekta.com', 'plain ASCII'],
    ['https://acm\u0435.okta.com', 'plain ASCII'],
  ])('refuses %s (%s)', (domain, problem) => {
    expect(() => oktaBaseUrl(domain)).toThrow(problem);
  });

  it('never repeats the refused value, which may hold a password', () => {
    expect(() => oktaBaseUrl('https://admin:hunter2@acme.okta.com')).toThrow(
      match.objectContaining({ message: match.not.stringContaining('hunter2') }),
    );
  });

  it.each([
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
    ['http://localhost:4010/', 'http://localhost:4010'],
    ['http://[::1]:4010', 'http://[::1]:4010'],
  ])('accepts the local simulated org %s over HTTP only when allowed', (domain, baseUrl) => {
    expect(oktaBaseUrl(domain, { allowInsecureLocalOkta: true })).toBe(baseUrl);
  });

  it('keeps refusing other hosts over HTTP when local HTTP is allowed', () => {
    expect(() => oktaBaseUrl('http://acme.okta.com', { allowInsecureLocalOkta: true })).toThrow('must use https');
    expect(() => oktaBaseUrl('http://10.1.1.1:80', { allowInsecureLocalOkta: true })).toThrow('must use https');
  });

  it("tells Okta's own domains from custom domains", () => {
    expect(isOktaOwnedDomain('https://acme.okta.com')).toBe(true);
    expect(isOktaOwnedDomain('https://login.example.com')).toBe(false);
  });

  it("warns for a domain outside Okta's own, and only then", () => {
    expect(domainWarning('https://login.example.com')).toMatch(/login\.example\.com is not on one of Okta's domains/);
    expect(domainWarning('https://acme.okta.com')).toBeUndefined();
    expect(domainWarning('http://127.0.0.1:4010')).toBeUndefined();
  });
});
