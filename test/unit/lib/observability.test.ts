import { describe, expect, it } from 'vitest';
import { redact, redactString, redactValues, REDACTED, secretValuesOf } from '../../../functions/lib/observability.js';

describe('redact', () => {
  it('blanks the values of secret-named fields at any depth', () => {
    const input = {
      userId: '00u1',
      password: 'hunter2',
      credentials: { password: { value: 'x' } },
      recoveryQuestion: { question: 'Colour?', answer: 'blue' },
      auth: { token: 't', clientSecret: 's', privateKey: 'k', refreshToken: 'r' },
      headers: { Authorization: 'SSWS abc', cookie: 'sid=1' },
    };
    expect(redact(input)).toEqual({
      userId: '00u1',
      password: REDACTED,
      credentials: REDACTED,
      recoveryQuestion: { question: 'Colour?', answer: REDACTED },
      auth: { token: REDACTED, clientSecret: REDACTED, privateKey: REDACTED, refreshToken: REDACTED },
      headers: { Authorization: REDACTED, cookie: REDACTED },
    });
  });

  it('keeps flags and non-secret fields whose names look alike', () => {
    expect(redact({ tempPassword: true, revokeSessions: false, passwordChanged: '2026-01-01T00:00:00.000Z' })).toEqual({
      tempPassword: true,
      revokeSessions: false,
      passwordChanged: '2026-01-01T00:00:00.000Z',
    });
  });
});

describe('redactString', () => {
  it.each([
    ['Authorization: SSWS 00abcDEF123', `Authorization: SSWS ${REDACTED}`],
    ['sent Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', `sent Bearer ${REDACTED}`],
    ['token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln here', `token ${REDACTED} here`],
    ['-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----', REDACTED],
    ['https://acme.okta.com/reset_password/XE6wE17zmphl3KqAPFxO', `https://acme.okta.com/reset_password/${REDACTED}`],
    ['https://acme.okta.com/welcome/XE6wE17zmphl3KqAPFxO', `https://acme.okta.com/welcome/${REDACTED}`],
    ['/oauth2/v1/token?code=abc&state=1', `/oauth2/v1/token?code=${REDACTED}&state=1`],
  ])('scrubs %j', (text, expected) => {
    expect(redactString(text)).toBe(expected);
  });

  it('leaves ordinary text alone', () => {
    expect(redactString('Okta answered 404 E0000007: Not found: 00u1 (User)')).toBe(
      'Okta answered 404 E0000007: Not found: 00u1 (User)',
    );
  });
});

describe('secretValuesOf and redactValues', () => {
  it('finds the secret values of an input and blanks them anywhere in an error', () => {
    const input = {
      userId: '00u1',
      password: 'Correct-Horse-9',
      recoveryQuestion: { question: 'q', answer: 'blue-ish' },
    };
    const secrets = secretValuesOf(input);
    expect(secrets).toEqual(['Correct-Horse-9', 'blue-ish']);
    const error = new Error('bad password Correct-Horse-9 for 00u1', { cause: new Error('answer was blue-ish') });
    const logged = JSON.stringify(redactValues(error, secrets));
    expect(logged).not.toContain('Correct-Horse-9');
    expect(logged).not.toContain('blue-ish');
    expect(logged).toContain('for 00u1');
  });

  it.each([
    ['lowercase ssws', 'sent ssws 00abcdefSecretToken42', '00abcdefSecretToken42'],
    ['lowercase basic', 'authorization: basic dXNlcjpzZWNyZXQtcGFzcw==', 'dXNlcjpzZWNyZXQtcGFzcw=='],
    ['a form body starting with refresh_token=', 'refresh_token=rt-Secret-Value-9&grant_type=x', 'rt-Secret-Value-9'],
    [
      'a PKCE code_verifier',
      'grant_type=authorization_code&code_verifier=verifierSecret43chars',
      'verifierSecret43chars',
    ],
  ])('redacts %s inside a string', (_shape, text, secret) => {
    const redacted = redactString(text);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain('[REDACTED]');
  });
});
