/**
 * What the consent shows in a browser, and the browser cookie it is bound to. The pages are generic on purpose
 * (issue 14.16): a fixed text per outcome, no connection name, sign-in type or secret name, nothing reflected from
 * the request or from Okta's `error_description`; Okta's `error` picks one of a fixed list of messages. The details
 * go to the log. Only the success page, which only the consenting browser reaches, names the connection and who
 * consented. Every value is escaped; no page carries a token or a secret.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

type Log = (message: string, extra: Record<string, unknown>) => void;
/** The part of the Logger the consent functions use. */
export interface ConsentLogger {
  info: Log;
  warn: Log;
  error: Log;
}

/** The cookie that binds a consent to the browser that opened its link: host-only, HTTPS-only, no script access. */
export const CONSENT_COOKIE = '__Host-okta-connector-consent';
const COOKIE_ATTRIBUTES = 'Path=/; Secure; HttpOnly; SameSite=Lax';

/** Headers of every consent answer: nothing cached, no referrer (the URLs carry one-time values), no framing. */
const COMMON_HEADERS = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};
const PAGE_HEADERS = {
  ...COMMON_HEADERS,
  'content-type': 'text/html; charset=utf-8',
  // The pages load nothing, run nothing, post nothing and cannot be framed.
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
};

const START_AGAIN = 'Ask the operator for a new consent link (npx okta-connector connections consent <name>).';

/** Every page a consent can end on; only `ready` has variable text. */
export type ConsentOutcome =
  | 'link-invalid'
  | 'link-expired'
  | 'other-browser'
  | 'okta-refused'
  | 'wrong-issuer'
  | 'wrong-consenter'
  | 'already-consented'
  | 'id-token-refused'
  | 'no-refresh-token'
  | 'failed';

const PAGES: Record<ConsentOutcome, { status: number; title: string; text: string[] }> = {
  'link-invalid': {
    status: 400,
    title: 'This consent link is not valid',
    text: ['It is unknown or was already used: each link works once.', START_AGAIN],
  },
  'link-expired': {
    status: 400,
    title: 'This consent link has expired',
    text: ['A consent must be completed within ten minutes of its link being issued.', START_AGAIN],
  },
  'other-browser': {
    status: 400,
    title: 'This consent was not started in this browser',
    text: ['A consent ends in the browser that opened its link, and it works once. Nothing was stored.', START_AGAIN],
  },
  'okta-refused': { status: 400, title: 'Okta did not grant the consent', text: [] },
  'wrong-issuer': {
    status: 400,
    title: 'The answer did not come from the expected Okta org',
    text: ['Nothing was stored.', START_AGAIN],
  },
  'wrong-consenter': {
    status: 403,
    title: 'Signed in as another user',
    text: [
      'The operator named the Okta user who must give this consent, and another user signed in. Nothing was stored.',
      START_AGAIN,
    ],
  },
  'already-consented': {
    status: 409,
    title: 'The connection already has a consent',
    text: [
      'It was not replaced. To replace it, the operator starts a new consent with --replace.',
      'npx okta-connector connections consent <name> --replace',
    ],
  },
  'id-token-refused': {
    status: 502,
    title: "Okta's answer could not be verified",
    text: ['Nothing was stored. The connector logs say why.', START_AGAIN],
  },
  'no-refresh-token': {
    status: 502,
    title: 'Okta returned no refresh token',
    text: ['Enable the Refresh Token grant type on the Okta app, then start again. Nothing was stored.', START_AGAIN],
  },
  failed: {
    status: 500,
    title: 'The consent could not be completed',
    text: ['The connector failed unexpectedly; its logs say why. Nothing was stored.', START_AGAIN],
  },
};

/**
 * Okta's OAuth `error` codes a consent can come back with (Okta's OAuth error catalogue), each with a fixed
 * message. Any other code gets the generic one: nothing Okta or the query says is put on the page.
 */
const OKTA_ERRORS: Record<string, string> = {
  access_denied:
    'Access was denied: the user did not allow it, or is not assigned to the Okta app, or a policy refused it.',
  consent_required: 'Okta requires the user to consent, and the consent was not given.',
  login_required: 'Okta requires the user to sign in first.',
  interaction_required: 'Okta requires the user to complete a step on its sign-in page.',
  invalid_scope: 'The Okta app is not granted every scope the connection asks for.',
  unauthorized_client: 'The Okta app is not allowed the authorization-code grant.',
  unsupported_response_type: 'The Okta app is not allowed the authorization-code grant.',
  invalid_request: 'Okta refused the request; the connector logs say more.',
  server_error: 'Okta failed; try again later.',
  temporarily_unavailable: 'Okta is temporarily unavailable; try again later.',
};
const OKTA_ERROR_GENERIC = 'Okta refused the consent; the connector logs say more.';

/** The fixed message for Okta's `error` code. */
export function oktaErrorMessage(error: string): string {
  return knownOktaError(error) === undefined ? OKTA_ERROR_GENERIC : (OKTA_ERRORS[error] as string);
}

/** The code when it is one of the known ones (a metric dimension never takes the caller's text). */
export function knownOktaError(error: string): string | undefined {
  return Object.hasOwn(OKTA_ERRORS, error) ? error : undefined;
}

/** The page of an outcome (the cookie of the consent cleared); `okta-refused` takes Okta's `error` code. */
export function consentPage(outcome: ConsentOutcome, oktaError?: string): APIGatewayProxyResult {
  const page = PAGES[outcome];
  const text =
    outcome === 'okta-refused' ? [oktaErrorMessage(oktaError ?? ''), 'Nothing was stored.', START_AGAIN] : page.text;
  const status = outcome === 'okta-refused' && oktaError === 'access_denied' ? 403 : page.status;
  return htmlPage(status, page.title, text, { 'set-cookie': clearedCookie() });
}

/** The success page: the connection and who consented, which only the consenting browser sees. */
export function readyPage(connection: string, consenter: { sub: string; login?: string }): APIGatewayProxyResult {
  const who = consenter.login ? `${consenter.login} (Okta user ${consenter.sub})` : `Okta user ${consenter.sub}`;
  return htmlPage(
    200,
    'Connection ready',
    [
      `Connection "${connection}" is ready: the connector now calls Okta on behalf of ${who}, who gave this consent.`,
      'If that is not who should have consented, tell the operator. You can close this page.',
    ],
    { 'set-cookie': clearedCookie() },
  );
}

/** A redirect to Okta, setting the cookie that binds the consent to this browser. */
export function redirectWithCookie(location: string, cookie: string): APIGatewayProxyResult {
  return {
    statusCode: 302,
    headers: {
      ...COMMON_HEADERS,
      location,
      'set-cookie': `${CONSENT_COOKIE}=${cookie}; ${COOKIE_ATTRIBUTES}; Max-Age=600`,
    },
    body: '',
  };
}

/** The consent cookie of a request (API Gateway REST: the `Cookie` header, in any case). */
export function consentCookie(event: Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'>): string | undefined {
  const values = [
    ...Object.entries(event.headers ?? {})
      .filter(([name]) => name.toLowerCase() === 'cookie')
      .map(([, v]) => v),
    ...Object.entries(event.multiValueHeaders ?? {})
      .filter(([name]) => name.toLowerCase() === 'cookie')
      .flatMap(([, v]) => v ?? []),
  ];
  for (const pair of values.flatMap((value) => (value ?? '').split(';'))) {
    const [name, ...rest] = pair.trim().split('=');
    if (name === CONSENT_COOKIE && rest.join('=') !== '') return rest.join('=');
  }
  return undefined;
}

function clearedCookie(): string {
  return `${CONSENT_COOKIE}=; ${COOKIE_ATTRIBUTES}; Max-Age=0`;
}

/** An HTML page response. */
export function htmlPage(
  status: number,
  title: string,
  paragraphs: string[],
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  const body = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>' + escapeHtml(title) + '</title>',
    '<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style>',
    '</head><body>',
    `<h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    '</body></html>',
  ].join('\n');
  return { statusCode: status, headers: { ...PAGE_HEADERS, ...headers }, body };
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
