/**
 * What the refresh-token rotation tests share (integration and soak): a web app in the simulated org whose
 * refresh tokens rotate and whose access tokens live seconds, one consent given through the org's own sign-in
 * form, and a watch on what the org and the secret saw: rotations (refresh grants Okta answered), `invalid_grant`
 * answers, `app.oauth2.token.detect_reuse` events and secret versions written.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { OktaSim } from '../../local/okta-sim/index.js';

export const SIM_ADMIN = { username: 'admin@okta-sim.example.com', password: 'Sim-Admin-Passw0rd!' };
const REDIRECT_URI = 'https://connector.example.test/prod/oauth/callback';
const SCOPES = ['okta.users.read', 'okta.groups.read', 'offline_access'];

export interface RotatingApp {
  clientId: string;
  clientSecret: string;
  /** The connection secret (CONTRACT §4) with the refresh token of one consent in it. */
  secret: Record<string, unknown>;
}

/**
 * Registers a web app with rotating refresh tokens (`leewaySeconds` grace period, Okta's 30 s by default) and
 * access tokens living `tokenLifetimeSeconds`, and consents once as the org's super admin.
 */
export async function rotatingApp(
  sim: OktaSim,
  options: { tokenLifetimeSeconds: number; leewaySeconds?: number },
): Promise<RotatingApp> {
  const registered = await fetch(`${sim.url}/__sim/oauth-clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      label: 'okta-connector (rotation test)',
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [REDIRECT_URI],
      grantedScopes: SCOPES,
      refreshTokenRotation: 'ROTATE',
      refreshTokenLeewaySeconds: options.leewaySeconds ?? 30,
      tokenLifetimeSeconds: options.tokenLifetimeSeconds,
    }),
  });
  if (registered.status !== 201) throw new Error(`the simulator refused the web app: ${await registered.text()}`);
  const client = (await registered.json()) as { clientId: string; clientSecret: string };
  const refreshToken = await consent(sim, client);
  return {
    ...client,
    secret: {
      domain: sim.url,
      auth: {
        type: 'authorization-code',
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        scopes: SCOPES,
        refreshToken,
      },
    },
  };
}

/** Signs in on the org's consent form and exchanges the code, as the connector's callback does. */
async function consent(sim: OktaSim, client: { clientId: string; clientSecret: string }): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const form = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: REDIRECT_URI,
    scope: SCOPES.join(' '),
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...SIM_ADMIN,
    decision: 'allow',
  });
  const signedIn = await fetch(`${sim.url}/oauth2/v1/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  const code = new URL(signedIn.headers.get('location') ?? 'about:blank').searchParams.get('code');
  if (!code) throw new Error(`the consent gave no code (${signedIn.status})`);
  const exchanged = await fetch(`${sim.url}/oauth2/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }).toString(),
  });
  const tokens = (await exchanged.json()) as { refresh_token?: string };
  if (!tokens.refresh_token) throw new Error(`the code exchange gave no refresh token (${exchanged.status})`);
  return tokens.refresh_token;
}

export interface RotationCounts {
  /** Refresh-token grants Okta answered with new tokens. */
  rotations: number;
  /** Refresh-token grants Okta refused with `invalid_grant`. */
  invalidGrants: number;
  /** Other refresh-token answers (5xx injected, 429…). */
  otherFailures: number;
  /** `app.oauth2.token.detect_reuse` events in the org's System Log. */
  reuseEvents: number;
  /**
   * Refresh-token grants that sent a refresh token sent before: a rotated token used again (within the grace
   * period when Okta did not call it a reuse). One renewal per rotation org-wide makes it 0.
   */
  resent: number;
}

/** Counts what the org answered to refresh-token grants from now on; `stop()` ends the watch. */
export function watchRotations(sim: OktaSim): { counts(): RotationCounts; stop(): void } {
  const counts = { rotations: 0, invalidGrants: 0, otherFailures: 0, resent: 0 };
  const sent = new Set<string>();
  const reuseBefore = reuseEventsIn(sim);
  const stop = sim.observe((req, res) => {
    if (req.path !== '/oauth2/v1/token') return;
    const form = req.body as Record<string, string> | undefined;
    if (form?.grant_type !== 'refresh_token') return;
    if (res.status === 200) {
      counts.rotations += 1;
      if (sent.has(form.refresh_token ?? '')) counts.resent += 1;
      sent.add(form.refresh_token ?? '');
    } else if ((res.body as { error?: string } | undefined)?.error === 'invalid_grant') counts.invalidGrants += 1;
    else counts.otherFailures += 1;
  });
  return {
    counts: () => ({ ...counts, reuseEvents: reuseEventsIn(sim) - reuseBefore }),
    stop: () => void stop(),
  };
}

function reuseEventsIn(sim: OktaSim): number {
  return sim.org.logEvents().filter((event) => event.eventType === 'app.oauth2.token.detect_reuse').length;
}
