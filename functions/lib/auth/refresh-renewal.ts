/**
 * The renewal of an authorization-code connection's access token, once for the whole deployment however many
 * containers of however many functions sign in with it (docs/ARCHITECTURE.md "Refresh-token rotation across
 * containers"). The connection's secret is the one place its refresh token and its current access token live:
 *
 * 1. A container whose access token is due reads the secret (past the container cache). An access token stored
 *    there by another container, not yet due, is used: no call to Okta, no write.
 * 2. Otherwise it takes the connection's renewal lock (a lease in the table), reads the secret again (another
 *    container may have renewed while it waited) and, only if the token is still due, renews with the stored
 *    refresh token and writes the rotated refresh token and the new access token back: one `PutSecretValue`.
 * 3. Okta refusing the refresh token (`invalid_grant`): the secret is read once more, and when it holds another
 *    refresh token (a consent given meanwhile) the renewal is tried once with it. Never more.
 *
 * The lease (10 s) is shorter than Okta's default grace period (30 s): when a container dies after Okta rotated
 * the refresh token but before it wrote it back, the next holder renews with the token still in the secret, which
 * Okta accepts within the grace period.
 */
import { OktaAuthFailed, OktaUnavailable, isConnectorError } from '../errors.js';
import type { SharedAccessToken, StoredSignIn } from '../connections.js';
import { renewalTime } from './oauth-authorizer.js';
import type { TokenResponse } from './token-endpoint.js';

/** How long the renewal lock keeps others away from a holder that died: the longest a renewal may take. */
export const RENEWAL_LEASE_MS = 10_000;
/** Time kept back from the lease for writing the secret after Okta answered. */
const WRITE_RESERVE_MS = 2_000;

/** Where the containers share the sign-in state (by default the connection's secret). */
export interface SignInStore {
  /** The state as stored now, never from a cache. */
  read(): Promise<StoredSignIn>;
  /** Writes a renewal's result over the state `basedOn` was read as. */
  write(basedOn: StoredSignIn, signIn: { refreshToken: string; accessToken?: SharedAccessToken }): Promise<void>;
}

/**
 * Runs `work` alone among all containers (by default under the lease lock in the table), giving it the epoch ms
 * its lease ends at; `{acquired: false}` when the lock could not be had before `deadline`.
 */
export type Exclusive = <T>(
  deadline: number,
  work: (leaseUntil: number) => Promise<T>,
) => Promise<{ acquired: true; value: T } | { acquired: false }>;

export interface RenewalDeps {
  store: SignInStore;
  exclusive: Exclusive;
  /** The refresh-token grant at Okta. */
  refresh: (refreshToken: string, deadline: number) => Promise<TokenResponse>;
  now: () => number;
  /** Told of a renewal that ended after its lease and so was not stored (logged by the caller). */
  notStored?: () => void;
}

/**
 * The access-token source of one container. `refused` is the access token Okta last refused in this container: a
 * stored token equal to it is not handed out again but renewed.
 */
export function sharedRenewal(
  connectionName: string,
  deps: RenewalDeps,
): (deadline: number, refused?: string) => Promise<TokenResponse> {
  const { store, exclusive, refresh, now } = deps;

  function usable(signIn: StoredSignIn, refused: string | undefined): TokenResponse | undefined {
    const shared = signIn.accessToken;
    if (shared === undefined || shared.token === refused || now() >= shared.renewAt) return undefined;
    return {
      accessToken: shared.token,
      tokenType: 'Bearer',
      expiresIn: Math.max(1, Math.floor((shared.expiresAt - now()) / 1000)),
      renewAt: shared.renewAt,
    };
  }

  function consentNeeded(cause?: unknown): OktaAuthFailed {
    const consent = `npx okta-connector connections consent ${connectionName}`;
    if (cause === undefined) {
      return new OktaAuthFailed(
        `Connection "${connectionName}" has no refresh token yet: an operator starts its consent with ${consent}`,
      );
    }
    const okta = isConnectorError(cause) ? cause : undefined;
    return new OktaAuthFailed(
      `Okta refused the refresh token of connection "${connectionName}" (expired, revoked, or its consent withdrawn): an operator starts a new consent with ${consent} --replace`,
      { cause, oktaErrorCode: okta?.oktaErrorCode, oktaRequestId: okta?.oktaRequestId, oktaStatus: okta?.oktaStatus },
    );
  }

  /** Under the lock: Okta's refresh-token grant, with one more try after `invalid_grant` if the secret changed. */
  async function renew(basedOn: StoredSignIn, deadline: number, leaseUntil: number): Promise<TokenResponse> {
    const until = Math.min(deadline, leaseUntil - WRITE_RESERVE_MS);
    let based = basedOn;
    let token: TokenResponse;
    try {
      token = await refresh(based.refreshToken as string, until);
    } catch (error) {
      if (!isInvalidGrant(error)) throw error;
      const again = await store.read();
      if (again.refreshToken === undefined || again.refreshToken === based.refreshToken) throw consentNeeded(error);
      based = again;
      try {
        token = await refresh(again.refreshToken, until);
      } catch (retryError) {
        throw isInvalidGrant(retryError) ? consentNeeded(retryError) : retryError;
      }
    }
    const issuedAt = now();
    const lifetimeMs = token.expiresIn * 1000;
    // A DPoP-bound token is bound to this container's key: other containers cannot use it.
    const accessToken: SharedAccessToken | undefined =
      token.tokenType === 'Bearer'
        ? { token: token.accessToken, expiresAt: issuedAt + lifetimeMs, renewAt: renewalTime(issuedAt, lifetimeMs) }
        : undefined;
    // The assertion types `refreshToken` (a string) for the write below; the rule judges only the `??` operand.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    const refreshToken = token.refreshToken ?? (based.refreshToken as string);
    if (refreshToken === based.refreshToken && accessToken === undefined) return token;
    if (now() >= leaseUntil) {
      // Another container may hold the lock by now and have rotated again: writing would put back an older token.
      // The token in the secret still works within Okta's grace period for the next renewal.
      deps.notStored?.();
      return { ...token, renewAt: issuedAt };
    }
    await store.write(based, { refreshToken, accessToken });
    return { ...token, renewAt: accessToken?.renewAt };
  }

  return async (deadline, refused) => {
    const seen = await store.read();
    const shared = usable(seen, refused);
    if (shared) return shared;
    if (seen.refreshToken === undefined) throw consentNeeded();
    const outcome = await exclusive(deadline, async (leaseUntil) => {
      const current = await store.read();
      const renewed = usable(current, refused);
      if (renewed) return renewed;
      if (current.refreshToken === undefined) throw consentNeeded();
      return renew(current, deadline, leaseUntil);
    });
    if (outcome.acquired) return outcome.value;
    // The lock stayed taken until the caller's deadline: a renewal elsewhere is slow, or its container died and its
    // lease has not ended. One last look, then a retryable error rather than a renewal of our own.
    const last = usable(await store.read(), refused);
    if (last) return last;
    throw new OktaUnavailable(
      `The sign-in of connection "${connectionName}" is being renewed by another invocation; try again in a few seconds`,
      { retryAfterSeconds: Math.ceil(RENEWAL_LEASE_MS / 1000) },
    );
  };
}

function isInvalidGrant(error: unknown): boolean {
  return isConnectorError(error) && error.oktaErrorCode === 'invalid_grant';
}
