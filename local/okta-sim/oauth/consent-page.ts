/**
 * The HTML of the org's sign-in and consent page (`/oauth2/v1/authorize`) and of its error page. Element ids
 * and names are stable so a browser test can fill the form: `#username`, `#password`, `#allow`, `#deny`.
 */

/** The authorize request's parameters, carried through the form as hidden fields. */
export interface AuthorizeParams {
  client_id: string;
  redirect_uri: string;
  response_type: string;
  scope: string;
  state: string;
  /** OpenID: echoed in the ID token. */
  nonce?: string;
  code_challenge?: string;
  code_challenge_method?: string;
}

export interface ConsentPageInput {
  params: AuthorizeParams;
  appLabel: string;
  orgName: string;
  /** Shown above the form after a failed sign-in. */
  error?: string;
  username?: string;
}

/** The sign-in and consent page: one form posting back to `/oauth2/v1/authorize`. */
export function renderConsentPage(input: ConsentPageInput): string {
  const hidden = Object.entries(input.params)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(String(value))}">`)
    .join('\n      ');
  const scopes = input.params.scope
    .split(' ')
    .filter((scope) => scope !== '')
    .map((scope) => `<li>${escapeHtml(scope)}</li>`)
    .join('');
  const error = input.error ? `<p id="error" role="alert">${escapeHtml(input.error)}</p>` : '';
  return page(
    `Sign in - ${input.orgName}`,
    `<h1>Sign in to ${escapeHtml(input.orgName)}</h1>
    <p><strong id="app-label">${escapeHtml(input.appLabel)}</strong> would like to:</p>
    <ul id="scopes">${scopes}</ul>
    ${error}
    <form id="consent-form" method="post" action="/oauth2/v1/authorize">
      ${hidden}
      <label for="username">Username</label>
      <input id="username" name="username" type="text" autocomplete="username" value="${escapeHtml(input.username ?? '')}">
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password">
      <button id="allow" name="decision" value="allow" type="submit">Allow access</button>
      <button id="deny" name="decision" value="deny" type="submit">Don't allow</button>
    </form>`,
  );
}

/** The page shown instead of a redirect when the client or its redirect URI cannot be trusted (RFC 6749 4.1.2.1). */
export function renderErrorPage(error: string, description: string): string {
  return page(
    'Error',
    `<h1>Something went wrong</h1>
    <p id="error-code">${escapeHtml(error)}</p>
    <p id="error-description">${escapeHtml(description)}</p>`,
  );
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>${escapeHtml(title)}</title>
    <style>body{font-family:sans-serif;max-width:28rem;margin:3rem auto}label,input,button{display:block;margin:.4rem 0}</style>
  </head>
  <body>
    ${body}
  </body>
</html>
`;
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
