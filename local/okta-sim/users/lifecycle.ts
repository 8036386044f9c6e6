/**
 * User lifecycle operations and their state machine (facts §1b). Each wrong-status call is answered with the
 * code Okta documents; where Okta documents none (UNVERIFIED in the facts) the choice is said next to it.
 */
import type { UserRecord, UserStatus } from '../directory.js';
import { OktaApiError } from '../errors.js';
import { appendRequestEvent, userActor, type Org } from '../org.js';
import { findUserOr404 } from './users-api.js';
import { recordUserWrite, userJson } from './user-json.js';
import type { Route, SimRequest, SimResponse } from '../types.js';

const MANAGE = ['okta.users.manage'];

/** 200 with the JSON body `{}`: Okta's answer to suspend, unsuspend, unlock and reset_factors (facts §10.1). */
const emptyOk = (): SimResponse => ({ status: 200, body: {} });

/**
 * What deactivate answers: 200 `{}` (most recordings) or 204 with no body (12 of 22 calls in one 2020 org);
 * `either` picks one per call under the org's seed, so a client is tested on both.
 */
export type DeactivateAnswer = 'empty-object' | 'no-content' | 'either';

function deactivateAnswer(org: Org): SimResponse {
  const noContent =
    org.deactivateAnswer === 'no-content' || (org.deactivateAnswer === 'either' && org.answerRandom.next() < 0.5);
  return noContent ? { status: 204 } : emptyOk();
}

function setStatus(org: Org, user: UserRecord, status: UserStatus): void {
  recordUserWrite(org, user);
  const now = org.clock.now();
  user.status = status;
  user.statusChanged = now;
  user.lastUpdated = now;
}

function event(org: Org, req: SimRequest, user: UserRecord, eventType: string): void {
  appendRequestEvent(org, req, { eventType, target: [userActor(user)] });
}

const sendEmail = (req: SimRequest, byDefault: boolean): boolean => {
  const value = req.query.get('sendEmail');
  return value === null ? byDefault : value !== 'false';
};

function activationToken(org: Org): { activationUrl: string; activationToken: string } {
  const token = org.random.base62(20);
  return { activationUrl: `${org.baseUrl()}/welcome/${token}`, activationToken: token };
}

type Operation = (org: Org, req: SimRequest, user: UserRecord) => SimResponse;

const activate: Operation = (org, req, user) => {
  if (user.status === 'ACTIVE') throw new OktaApiError('E0000016');
  // Okta documents activate for STAGED and DEPROVISIONED only; for the other statuses (PROVISIONED waits
  // for its user, and can be re-sent with reactivate) E0000038 is the plausible answer (UNVERIFIED).
  if (user.status !== 'STAGED' && user.status !== 'DEPROVISIONED') throw new OktaApiError('E0000038');
  setStatus(org, user, user.password !== undefined || user.provider.type !== 'OKTA' ? 'ACTIVE' : 'PROVISIONED');
  user.activated = org.clock.now();
  event(org, req, user, 'user.lifecycle.activate');
  return { status: 200, body: sendEmail(req, true) ? {} : activationToken(org) };
};

/**
 * Reactivate re-sends the activation of a PROVISIONED (or RECOVERY) user: 200 `{activationToken}` without an
 * email (oktakit.json[8]); any other status is 403 E0000038 (okta-sdk-python.json[22], a STAGED user).
 */
const reactivate: Operation = (org, req, user) => {
  if (user.status !== 'PROVISIONED' && user.status !== 'RECOVERY') throw new OktaApiError('E0000038');
  setStatus(org, user, 'PROVISIONED');
  event(org, req, user, 'user.lifecycle.reactivate');
  return { status: 200, body: sendEmail(req, false) ? {} : { activationToken: activationToken(org).activationToken } };
};

const deactivate: Operation = (org, req, user) => {
  // Deactivating an already deactivated user: Okta's answer is UNVERIFIED; E0000038 ("not allowed in the
  // user's current status") is the catalogue's code for exactly that.
  if (user.status === 'DEPROVISIONED') throw new OktaApiError('E0000038');
  setStatus(org, user, 'DEPROVISIONED');
  event(org, req, user, 'user.lifecycle.deactivate');
  // Deactivation deprovisions the user from every app assigned directly.
  for (const app of org.directory.apps.values()) {
    if (app.users.delete(user.id)) {
      appendRequestEvent(org, req, {
        eventType: 'application.user_membership.remove',
        target: [
          userActor(user),
          { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: null },
        ],
      });
    }
  }
  return deactivateAnswer(org);
};

const suspend: Operation = (org, req, user) => {
  if (user.status !== 'ACTIVE')
    throw new OktaApiError('E0000001', {
      causes: ['Cannot suspend a user that is not active'],
      summaryArgument: 'suspendUser',
    });
  setStatus(org, user, 'SUSPENDED');
  event(org, req, user, 'user.lifecycle.suspend');
  return emptyOk();
};

const unsuspend: Operation = (org, req, user) => {
  if (user.status !== 'SUSPENDED')
    throw new OktaApiError('E0000001', {
      causes: ['Cannot unsuspend a user that is not suspended'],
      summaryArgument: 'unsuspendUser',
    });
  setStatus(org, user, 'ACTIVE');
  event(org, req, user, 'user.lifecycle.unsuspend');
  return emptyOk();
};

const unlock: Operation = (org, req, user) => {
  // An ACTIVE user who is not locked out: 403 E0000032 (okta-sdk-python.json[26]); the other statuses are not
  // locked out either, so they get the same answer (UNVERIFIED for them).
  if (user.status !== 'LOCKED_OUT') throw new OktaApiError('E0000032', { causes: ['The user is not locked out.'] });
  setStatus(org, user, 'ACTIVE');
  event(org, req, user, 'user.account.unlock');
  return emptyOk();
};

// Which statuses allow a password expiry or reset is UNVERIFIED (not listed in the spec): users who can sign in
// (or are already in a password flow) are allowed; STAGED, PROVISIONED, SUSPENDED and DEPROVISIONED get E0000038.
const PASSWORD_STATUSES = new Set<UserStatus>(['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'RECOVERY']);

function tempPassword(org: Org): string {
  return org.random.base62(8);
}

const expirePassword: Operation = (org, req, user) => {
  if (!PASSWORD_STATUSES.has(user.status)) throw new OktaApiError('E0000038');
  setStatus(org, user, 'PASSWORD_EXPIRED');
  event(org, req, user, 'user.account.expire_password');
  // The legacy `?tempPassword=true` form answers with the temporary password instead of the user.
  if (req.query.get('tempPassword') === 'true') {
    user.password = tempPassword(org);
    return { status: 200, body: { tempPassword: user.password } };
  }
  return { status: 200, body: userJson(org, user) };
};

const expirePasswordWithTemp: Operation = (org, req, user) => {
  if (!PASSWORD_STATUSES.has(user.status)) throw new OktaApiError('E0000038');
  setStatus(org, user, 'PASSWORD_EXPIRED');
  user.password = tempPassword(org);
  user.passwordChanged = org.clock.now();
  event(org, req, user, 'user.account.expire_password');
  return { status: 200, body: { tempPassword: user.password } };
};

const resetPassword: Operation = (org, req, user) => {
  if (!PASSWORD_STATUSES.has(user.status)) throw new OktaApiError('E0000038');
  setStatus(org, user, 'RECOVERY');
  event(org, req, user, 'user.account.reset_password');
  const url = `${org.baseUrl()}/reset_password/${org.random.base62(20)}`;
  return { status: 200, body: sendEmail(req, true) ? {} : { resetPasswordUrl: url } };
};

const forgotPassword: Operation = (org, req, user) => {
  // Forgot password is for ACTIVE users who can answer a recovery question (facts #19). The wrong status is
  // E0000038; no recovery question is E0000017 "Password reset failed" (both UNVERIFIED).
  if (user.status !== 'ACTIVE') throw new OktaApiError('E0000038');
  if (!user.recoveryQuestion) throw new OktaApiError('E0000017');
  const answered = recoveryAnswer(req.body);
  if (answered) return forgotPasswordWithAnswer(org, req, user, answered);
  const url = `${org.baseUrl()}/signin/reset-password/${org.random.base62(20)}`;
  event(org, req, user, 'user.account.reset_password');
  return { status: 200, body: sendEmail(req, true) ? {} : { resetPasswordUrl: url } };
};

/** The `{password: {value}, recovery_question: {answer}}` body of a forgot-password with the answer, if sent. */
function recoveryAnswer(body: unknown): { password: string; answer: string } | undefined {
  const credentials = body as { password?: { value?: unknown }; recovery_question?: { answer?: unknown } } | undefined;
  const password = credentials?.password?.value;
  const answer = credentials?.recovery_question?.answer;
  return typeof password === 'string' && typeof answer === 'string' ? { password, answer } : undefined;
}

/**
 * Forgot password with the recovery answer sets the new password at once and answers with the user's credentials
 * (oktakit.json[32], forgot_password.yml, 2016). A wrong answer is 403 E0000087 (the catalogue; UNVERIFIED).
 */
function forgotPasswordWithAnswer(
  org: Org,
  req: SimRequest,
  user: UserRecord,
  answered: { password: string; answer: string },
): SimResponse {
  if (answered.answer.toLowerCase() !== user.recoveryQuestion?.answer.toLowerCase()) throw new OktaApiError('E0000087');
  recordUserWrite(org, user);
  user.password = answered.password;
  user.passwordChanged = org.clock.now();
  user.lastUpdated = org.clock.now();
  event(org, req, user, 'user.account.update_password');
  return { status: 200, body: userJson(org, user).credentials };
}

/**
 * Resets every factor: 200 `{}` (okta-sdk-python.json[8], oktakit.json[12]). The simulator keeps no factors,
 * so only the event is written; every status offers the link (facts §10.4), so none is refused.
 */
const resetFactors: Operation = (org, req, user) => {
  event(org, req, user, 'user.mfa.factor.reset_all');
  return emptyOk();
};

/**
 * DELETE `/users/{id}/sessions`: ends the user's Okta sessions, 204 (SPEC revokeUserSessions; no recording).
 * `oauthTokens=true` also revokes the OAuth access and refresh tokens issued to the user (default false).
 */
const clearSessions: Operation = (org, req, user) => {
  if (req.query.get('oauthTokens') === 'true') org.revokeUserOAuthTokens(user.id);
  event(org, req, user, 'user.session.clear');
  return { status: 204 };
};

/** DELETE: the first call on a user who is not DEPROVISIONED deactivates; the next one deletes. */
const deleteUser: Operation = (org, req, user) => {
  if (user.status !== 'DEPROVISIONED') {
    deactivate(org, req, user);
    return { status: 204 };
  }
  event(org, req, user, 'user.lifecycle.delete.initiated');
  org.directory.deleteUser(user);
  return { status: 204 };
};

function route(org: Org, method: 'POST' | 'DELETE', pattern: string, operation: Operation): Route {
  return {
    method,
    pattern,
    bucket: 'user-write',
    scopes: MANAGE,
    handler: (req, params) => operation(org, req, findUserOr404(org, req, params.id as string)),
  };
}

export function lifecycleRoutes(org: Org): Route[] {
  const lifecycle = (name: string, operation: Operation) =>
    route(org, 'POST', `/api/v1/users/:id/lifecycle/${name}`, operation);
  return [
    lifecycle('activate', activate),
    lifecycle('reactivate', reactivate),
    lifecycle('deactivate', deactivate),
    lifecycle('suspend', suspend),
    lifecycle('unsuspend', unsuspend),
    lifecycle('unlock', unlock),
    lifecycle('expire_password', expirePassword),
    lifecycle('expire_password_with_temp_password', expirePasswordWithTemp),
    lifecycle('reset_password', resetPassword),
    lifecycle('reset_factors', resetFactors),
    route(org, 'POST', '/api/v1/users/:id/credentials/forgot_password', forgotPassword),
    route(org, 'DELETE', '/api/v1/users/:id', deleteUser),
    route(org, 'DELETE', '/api/v1/users/:id/sessions', clearSessions),
  ];
}
