/**
 * What the org authorization server has handed out: access tokens, refresh tokens (with rotation) and
 * authorization codes. Tokens are opaque random strings; their lifetimes run on the simulator's clock.
 *
 * The tokens of one consent form a family: the refresh token of the code exchange, every refresh token rotated
 * from it, and the access tokens they were exchanged for. Okta's reuse detection revokes a whole family: "Okta
 * immediately invalidates the most recently issued refresh token and all access tokens issued since the user
 * authenticated" (refresh-token rotation guide).
 */
import { randomBytes } from 'node:crypto';
import type { SimClock } from '../types.js';

/** SVC: "The lifetime for this token is fixed at one hour." */
export const DEFAULT_ACCESS_TOKEN_LIFETIME_S = 60 * 60;
/** Okta's default refresh token rotation grace period (`leeway`), 0-60 s. */
export const DEFAULT_REFRESH_LEEWAY_S = 30;
/** A refresh token "expire[s] every seven days if it hasn't been used". */
const REFRESH_IDLE_LIMIT_MS = 7 * 24 * 60 * 60 * 1000;
/** How long an authorization code may wait for its token request. */
const AUTHORIZATION_CODE_LIFETIME_MS = 5 * 60 * 1000;

export interface AccessTokenRecord {
  clientId: string;
  /** The consent the token comes from (refresh and authorization-code grants). */
  familyId?: string;
  userId?: string;
  scopes: string[];
  expiresAt: number;
  /** The JWK thumbprint (`cnf.jkt`) of a DPoP-bound token. */
  jkt?: string;
}

export interface RefreshTokenRecord {
  clientId: string;
  familyId: string;
  userId: string;
  scopes: string[];
  lastUsedAt: number;
  /** Set when a rotation replaced it; it keeps working until then + leeway. */
  rotatedAt?: number;
}

export interface AuthorizationCodeRecord {
  clientId: string;
  userId: string;
  /** The user's login, for the ID token's `preferred_username`. */
  login: string;
  /** The authorize request's OpenID nonce. */
  nonce?: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge?: string;
  expiresAt: number;
}

export interface TokenStore {
  issueAccessToken(record: Omit<AccessTokenRecord, 'expiresAt'>, lifetimeS: number): string;
  findAccessToken(token: string): AccessTokenRecord | undefined;
  /** A refresh token of the family `familyId`, or of a new family (a first consent) without one. */
  issueRefreshToken(record: Omit<RefreshTokenRecord, 'lastUsedAt' | 'familyId'> & { familyId?: string }): {
    token: string;
    familyId: string;
  };
  /**
   * What a refresh token is worth now: `valid` (not idle too long, not rotated or still within its rotation
   * leeway), `reused` (rotated longer ago than the leeway: the caller must revoke its family), or `invalid`
   * (unknown, idle too long, or its family revoked).
   */
  checkRefreshToken(token: string, leewayS: number): RefreshTokenCheck;
  markRotated(token: string): void;
  /** Revokes every refresh and access token of a family. */
  revokeFamily(familyId: string): void;
  touchRefreshToken(token: string): void;
  issueCode(record: Omit<AuthorizationCodeRecord, 'expiresAt'>): string;
  /** Takes a code out of the store: a code is good for one token request, successful or not. */
  redeemCode(code: string): AuthorizationCodeRecord | undefined;
  /** Revokes every access and refresh token issued to a user (sessions cleared with `oauthTokens=true`). */
  revokeUserTokens(userId: string): void;
}

export type RefreshTokenCheck =
  | { status: 'valid'; record: RefreshTokenRecord }
  | { status: 'reused'; record: RefreshTokenRecord }
  | { status: 'invalid' };

export function createTokenStore(clock: SimClock): TokenStore {
  const accessTokens = new Map<string, AccessTokenRecord>();
  const refreshTokens = new Map<string, RefreshTokenRecord>();
  const codes = new Map<string, AuthorizationCodeRecord>();
  const revokedFamilies = new Set<string>();
  const newToken = (): string => randomBytes(32).toString('base64url');
  let issued = 0;

  return {
    issueAccessToken(record, lifetimeS) {
      const token = newToken();
      // Expired tokens are swept now and then as new ones are issued, so a long benchmark does not grow the map
      // forever and issuing stays cheap.
      if (++issued % 256 === 0) {
        for (const [old, existing] of accessTokens) if (existing.expiresAt <= clock.now()) accessTokens.delete(old);
      }
      accessTokens.set(token, { ...record, expiresAt: clock.now() + lifetimeS * 1000 });
      return token;
    },
    findAccessToken(token) {
      const record = accessTokens.get(token);
      if (!record || record.expiresAt <= clock.now()) return undefined;
      return record.familyId !== undefined && revokedFamilies.has(record.familyId) ? undefined : record;
    },
    issueRefreshToken(record) {
      const token = newToken();
      const familyId = record.familyId ?? newToken();
      refreshTokens.set(token, { ...record, familyId, lastUsedAt: clock.now() });
      return { token, familyId };
    },
    checkRefreshToken(token, leewayS) {
      const record = refreshTokens.get(token);
      if (!record || revokedFamilies.has(record.familyId)) return { status: 'invalid' };
      if (clock.now() - record.lastUsedAt > REFRESH_IDLE_LIMIT_MS) return { status: 'invalid' };
      if (record.rotatedAt !== undefined && clock.now() > record.rotatedAt + leewayS * 1000)
        return { status: 'reused', record };
      return { status: 'valid', record };
    },
    revokeFamily(familyId) {
      revokedFamilies.add(familyId);
    },
    markRotated(token) {
      const record = refreshTokens.get(token);
      if (record && record.rotatedAt === undefined) record.rotatedAt = clock.now();
    },
    touchRefreshToken(token) {
      const record = refreshTokens.get(token);
      if (record) record.lastUsedAt = clock.now();
    },
    issueCode(record) {
      const code = newToken();
      codes.set(code, { ...record, expiresAt: clock.now() + AUTHORIZATION_CODE_LIFETIME_MS });
      return code;
    },
    redeemCode(code) {
      const record = codes.get(code);
      codes.delete(code);
      return record && record.expiresAt > clock.now() ? record : undefined;
    },
    revokeUserTokens(userId) {
      for (const [token, record] of accessTokens) if (record.userId === userId) accessTokens.delete(token);
      for (const [token, record] of refreshTokens) if (record.userId === userId) refreshTokens.delete(token);
    },
  };
}
