// The user lifecycle as real Okta answers it. Each fact is stated here and cited from the recordings of real orgs
// (shared/real-okta/<file>[<index>], then the recorder's repository, cassette, commit and interaction); the
// simulator must give the same status, content type and body kind.
import { describe, expect, it } from 'vitest';
import { startOktaSim } from '../../local/okta-sim/index.js';
import { newProfile, rawClient, useSim, type RawAnswer } from './real-okta-client.js';
import { match } from '../support/match.js';

const { sim, okta } = useSim({ seed: 'empty', rateLimits: false, deactivateAnswer: 'empty-object' });

async function createUser(query: string, withPassword: boolean): Promise<string> {
  const credentials = withPassword ? { credentials: { password: { value: 'Sup3r-Secret-Pass!' } } } : {};
  const created = await okta('POST', `/api/v1/users${query}`, { profile: newProfile(), ...credentials });
  expect(created.status).toBe(200);
  return String(created.body.id);
}

const lifecycle = (userId: string, operation: string): Promise<RawAnswer> =>
  okta('POST', `/api/v1/users/${userId}/lifecycle/${operation}`);

/** 200 with `content-type: application/json` and the JSON body `{}`. */
function expectEmptyObject(answer: RawAnswer): void {
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toBe('application/json');
  expect(answer.body).toEqual({});
}

describe('lifecycle calls with nothing to return answer 200 {}', () => {
  // okta-sdk-python.json[3] and [5] (okta/okta-sdk-python test_users_it/TestUsersResource.test_comprehensive_user_lifecycle.yaml
  // @f68509793a i=3, i=5): suspend and unsuspend are 200 `{}`.
  it('suspend and unsuspend answer 200 {}', async () => {
    const userId = await createUser('?activate=true', true);
    expectEmptyObject(await lifecycle(userId, 'suspend'));
    expectEmptyObject(await lifecycle(userId, 'unsuspend'));
  });

  // okta-sdk-python.json[8] (test_comprehensive_user_lifecycle.yaml @f68509793a i=8) and oktakit.json[12]
  // (Shopify/oktakit cassettes/reset_factors.yml @8aa89c6044 i=0): reset_factors is 200 `{}`.
  it('reset_factors answers 200 {}', async () => {
    expectEmptyObject(await lifecycle(await createUser('?activate=true', true), 'reset_factors'));
  });

  // oktakit.json[9] (Shopify/oktakit cassettes/unlock_user.yml @8aa89c6044 i=0): unlock of a locked-out user is 200 `{}`.
  it('unlock of a locked-out user answers 200 {} and makes it ACTIVE', async () => {
    const userId = await createUser('?activate=true', true);
    sim().control.setUserStatus(userId, 'LOCKED_OUT');
    expectEmptyObject(await lifecycle(userId, 'unlock'));
    expect(sim().org.user(userId)?.status).toBe('ACTIVE');
  });

  // terraform-provider-okta.json[2], [3] (okta/terraform-provider-okta TestAccResourceOktaUser_statusDeprovisioned/classic-00.yaml
  // @e59c130b0b i=5, i=6): deactivating a STAGED user is 200 `{}` and leaves it DEPROVISIONED.
  it('deactivate of a STAGED user answers 200 {} and leaves it DEPROVISIONED', async () => {
    const userId = await createUser('?activate=false', false);
    expectEmptyObject(await lifecycle(userId, 'deactivate'));
    expect((await okta('GET', `/api/v1/users/${userId}`)).body.status).toBe('DEPROVISIONED');
  });
});

describe("deactivate's two recorded answers", () => {
  // okta-sdk-python.json[12] (test_comprehensive_user_lifecycle.yaml @f68509793a i=14): 200 `{}`; okta-sdk-python.json[19]
  // (test_users_it/TestUsersResource.test_suspend_user.yaml @f68509793a i=5): 204 with no body and no content type.
  it('answers 204 with no body and no content type when set to no-content', async () => {
    sim().control.setDeactivateAnswer('no-content');
    try {
      const answer = await lifecycle(await createUser('?activate=true', true), 'deactivate');
      expect(answer.status).toBe(204);
      expect(answer.headers.get('content-type')).toBeNull();
      expect(answer.body).toBeNull();
    } finally {
      sim().control.setDeactivateAnswer('empty-object');
    }
  });

  it('gives both answers, one per call, when set to either', async () => {
    const other = await startOktaSim({ seed: 'empty', rateLimits: false });
    try {
      const call = rawClient(other);
      const statuses = new Set<number>();
      for (let i = 0; i < 12; i++) {
        const created = await call('POST', '/api/v1/users?activate=false', { profile: newProfile() });
        statuses.add((await call('POST', `/api/v1/users/${String(created.body.id)}/lifecycle/deactivate`)).status);
      }
      expect([...statuses].sort()).toEqual([200, 204]);
    } finally {
      await other.close();
    }
  });
});

describe('lifecycle calls that return something', () => {
  // okta-sdk-python.json[1] is activate with sendEmail=false: `{activationUrl, activationToken}`;
  // oktakit.json[8] (Shopify/oktakit cassettes/reactivate_user.yml @8aa89c6044 i=0): reactivate is 200
  // `{activationToken}` alone.
  it('reactivate of a PROVISIONED user answers 200 with the activation token alone', async () => {
    const userId = await createUser('', false);
    const answer = await lifecycle(userId, 'reactivate');
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body as object)).toEqual(['activationToken']);
  });

  // terraform-provider-okta.json[5] (TestAccResourceOktaUser_updateDeprovisioned/classic-00.yaml @e59c130b0b i=0): a user
  // created without `activate` and without a password value is PROVISIONED at once, with `activated` set.
  it('create without a password and without activate=false gives a PROVISIONED user', async () => {
    const created = await okta('POST', '/api/v1/users', { profile: newProfile(), credentials: { password: {} } });
    expect(created.body).toMatchObject({ status: 'PROVISIONED', activated: match.any(String) });
  });
});

describe('forgot password with the recovery answer', () => {
  // oktakit.json[32] (Shopify/oktakit cassettes/forgot_password.yml @8aa89c6044 i=0): a body of the new password and
  // the recovery answer is 200 with the user's credentials (password {}, the recovery question, the provider).
  it('sets the password and answers with the credentials', async () => {
    const created = await okta('POST', '/api/v1/users?activate=true', {
      profile: newProfile(),
      credentials: {
        password: { value: 'Sup3r-Secret-Pass!' },
        recovery_question: { question: 'How much wood could a woodchuck chuck?', answer: 'a lot' },
      },
    });
    const userId = String(created.body.id);
    const answer = await okta('POST', `/api/v1/users/${userId}/credentials/forgot_password`, {
      password: { value: 'N3w-Secret-Pass!' },
      recovery_question: { answer: 'a lot' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      password: {},
      recovery_question: { question: 'How much wood could a woodchuck chuck?' },
      provider: { type: 'OKTA', name: 'OKTA' },
    });
    expect(sim().org.directory.users.get(userId)?.password).toBe('N3w-Secret-Pass!');
  });
});

describe('wrong-status answers that were recorded', () => {
  // okta-sdk-python.json[26] (test_users_it/TestUsersResource.test_unlock_user.yaml @f68509793a i=1): unlock of an
  // ACTIVE user who is not locked out is 403 E0000032 "Unlock is not allowed for this user." with one cause.
  it('unlock of an ACTIVE user answers 403 E0000032 "The user is not locked out."', async () => {
    const answer = await lifecycle(await createUser('?activate=true', true), 'unlock');
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({
      errorCode: 'E0000032',
      errorSummary: 'Unlock is not allowed for this user.',
      errorLink: 'E0000032',
      errorCauses: [{ errorSummary: 'The user is not locked out.' }],
    });
  });

  // okta-sdk-python.json[22] (test_users_it/TestUsersResource.test_reactivate_user.yaml @f68509793a i=1): reactivate of a
  // STAGED user is 403 E0000038 with no causes.
  it('reactivate of a STAGED user answers 403 E0000038 with no causes', async () => {
    const answer = await lifecycle(await createUser('?activate=false', false), 'reactivate?sendEmail=false');
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({
      errorCode: 'E0000038',
      errorSummary: "This operation is not allowed in the user's current status.",
      errorCauses: [],
    });
  });
});

describe('deleting users', () => {
  // terraform-provider-okta.json[146]-[148] (okta/terraform-provider-okta TestAccResourceOktaUser_updateCredentials/classic-00.yaml
  // @89909a8b19 i=17-19): DELETE 204, DELETE 204, then GET 404 E0000007; every 204 has no content type.
  it('takes two DELETEs of an ACTIVE user, each 204 without a content type, then GET is 404', async () => {
    const userId = await createUser('?activate=true', true);
    for (let i = 0; i < 2; i++) {
      const deleted = await okta('DELETE', `/api/v1/users/${userId}`);
      expect(deleted.status).toBe(204);
      expect(deleted.headers.get('content-type')).toBeNull();
      expect(deleted.body).toBeNull();
    }
    const gone = await okta('GET', `/api/v1/users/${userId}`);
    expect(gone.status).toBe(404);
    expect(gone.body.errorSummary).toBe(`Not found: Resource not found: ${userId} (User)`);
  });

  // The spec's revokeUserSessions: DELETE /users/{id}/sessions, 204 (no recording: documentation-only).
  it('DELETE /users/{id}/sessions answers 204 and writes user.session.clear', async () => {
    const userId = await createUser('?activate=true', true);
    const answer = await okta('DELETE', `/api/v1/users/${userId}/sessions?oauthTokens=true`);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('content-type')).toBeNull();
    const cleared = sim()
      .org.logEvents()
      .filter((event) => event.eventType === 'user.session.clear');
    expect(cleared.at(-1)?.target).toEqual([match.objectContaining({ id: userId })]);
  });
});
