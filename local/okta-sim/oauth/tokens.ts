/**
 * What the org authorization server has handed out: access tokens, refresh tokens (with rotation) and
 * authorization codes. Tokens are opaque random strings; their lifetimes run on the simulator's clock.
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
  userId?: string;
  scopes: string[];
  expiresAt: number;
  /** The JWK thumbprint (`cnf.jkt`) of a DPoP-bound token. */
  jkt?: string;
}

export interface RefreshTokenRecord {
  clientId: string;
  userId: string;
  scopes: string[];
  lastUsedAt: number;
  /** Set when a rotation replaced it; it keeps working until then + leeway. */
  rotatedAt?: number;
}

export interface AuthorizationCodeRecord {
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge?: string;
  expiresAt: number;
}

export interface TokenStore {
  issueAccessToken(record: Omit<AccessTokenRecord, 'expiresAt'>, lifetimeS: number): string;
  findAccessToken(token: string): AccessTokenRecord | undefined;
  issueRefreshToken(record: Omit<RefreshTokenRecord, 'lastUsedAt'>): string;
  /** The refresh token when it may still be used (not idle too long, not past its rotation leeway). */
  findRefreshToken(token: string, leewayS: number): RefreshTokenRecord | undefined;
  markRotated(token: string): void;
  touchRefreshToken(token: string): void;
  issueCode(record: Omit<AuthorizationCodeRecord, 'expiresAt'>): string;
  /** Takes a code out of the store: a code is good for one token request, successful or not. */
  redeemCode(code: string): AuthorizationCodeRecord | undefined;
  /** Revokes every access and refresh token issued to a user (sessions cleared with `oauthTokens=true`). */
  revokeUserTokens(userId: string): void;
}

export function createTokenStore(clock: SimClock): TokenStore {
  const accessTokens = new Map<string, AccessTokenRecord>();
  const refreshTokens = new Map<string, RefreshTokenRecord>();
  const codes = new Map<string, AuthorizationCodeRecord>();
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
      return record && record.expiresAt > clock.now() ? record : undefined;
    },
    issueRefreshToken(record) {
      const token = newToken();
      refreshTokens.set(token, { ...record, lastUsedAt: clock.now() });
      return token;
    },
    findRefreshToken(token, leewayS) {
      const record = refreshTokens.get(token);
      if (!record) return undefined;
      if (clock.now() - record.lastUsedAt > REFRESH_IDLE_LIMIT_MS) return undefined;
      if (record.rotatedAt !== undefined && clock.now() > record.rotatedAt + leewayS * 1000) return undefined;
      return record;
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
