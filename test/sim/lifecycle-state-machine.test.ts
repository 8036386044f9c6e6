// The user status state machine (facts §1b): each lifecycle call from each status, with Okta's answer. Recorded
// in real orgs (shared/real-okta): reactivate of a STAGED user is 403 E0000038 (okta-sdk-python.json[22],
// test_reactivate_user.yaml i=1); unlock of an ACTIVE user who is not locked out is 403 E0000032 (okta-sdk-python.json[26],
// test_unlock_user.yaml i=1); reset_factors is 200 (okta-sdk-python.json[8], test_comprehensive_user_lifecycle.yaml
// i=8). The other wrong-status answers are documentation-only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserStatus } from '../../local/okta-sim/directory.js';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';

let sim: OktaSim;
let counter = 0;

async function userIn(status: UserStatus): Promise<string> {
  counter++;
  const login = `state${counter}@example.com`;
  const response = await fetch(`${sim.url}/api/v1/users?activate=false`, {
    method: 'POST',
    headers: { authorization: `SSWS ${sim.apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      profile: { firstName: 'State', lastName: `User${counter}`, email: login, login },
      credentials: { password: { value: 'Sup3r-Secret!' } },
    }),
  });
  const { id } = (await response.json()) as { id: string };
  sim.control.setUserStatus(id, status);
  return id;
}

async function lifecycle(
  userId: string,
  operation: string,
): Promise<{ status: number; errorCode?: string; userStatus: string }> {
  const response = await fetch(`${sim.url}/api/v1/users/${userId}/lifecycle/${operation}`, {
    method: 'POST',
    headers: { authorization: `SSWS ${sim.apiToken}`, 'content-length': '0' },
  });
  const text = await response.text();
  const errorCode = text ? (JSON.parse(text) as { errorCode?: string }).errorCode : undefined;
  return {
    status: response.status,
    ...(errorCode ? { errorCode } : {}),
    userStatus: String(sim.org.user(userId)?.status),
  };
}

beforeAll(async () => {
  // Deactivate's 200 `{}` here; its 204 alternative is covered in real-okta-lifecycle.test.ts.
  sim = await startOktaSim({ seed: 'empty', deactivateAnswer: 'empty-object' });
});

afterAll(async () => {
  await sim.close();
});

describe('the user status state machine', () => {
  const table: Array<[string, UserStatus, number, string, string?]> = [
    ['activate', 'STAGED', 200, 'ACTIVE'],
    ['activate', 'DEPROVISIONED', 200, 'ACTIVE'],
    ['activate', 'ACTIVE', 403, 'ACTIVE', 'E0000016'],
    ['activate', 'SUSPENDED', 403, 'SUSPENDED', 'E0000038'],
    ['reactivate', 'PROVISIONED', 200, 'PROVISIONED'],
    ['reactivate', 'RECOVERY', 200, 'PROVISIONED'],
    ['reactivate', 'ACTIVE', 403, 'ACTIVE', 'E0000038'],
    ['deactivate', 'ACTIVE', 200, 'DEPROVISIONED'],
    ['deactivate', 'SUSPENDED', 200, 'DEPROVISIONED'],
    ['deactivate', 'STAGED', 200, 'DEPROVISIONED'],
    ['deactivate', 'DEPROVISIONED', 403, 'DEPROVISIONED', 'E0000038'],
    ['suspend', 'ACTIVE', 200, 'SUSPENDED'],
    ['suspend', 'SUSPENDED', 400, 'SUSPENDED', 'E0000001'],
    ['suspend', 'STAGED', 400, 'STAGED', 'E0000001'],
    ['unsuspend', 'SUSPENDED', 200, 'ACTIVE'],
    ['unsuspend', 'ACTIVE', 400, 'ACTIVE', 'E0000001'],
    ['unlock', 'LOCKED_OUT', 200, 'ACTIVE'],
    ['unlock', 'ACTIVE', 403, 'ACTIVE', 'E0000032'],
    ['unlock', 'SUSPENDED', 403, 'SUSPENDED', 'E0000032'],
    ['reset_factors', 'ACTIVE', 200, 'ACTIVE'],
    ['reset_factors', 'PASSWORD_EXPIRED', 200, 'PASSWORD_EXPIRED'],
    ['expire_password', 'ACTIVE', 200, 'PASSWORD_EXPIRED'],
    ['expire_password', 'STAGED', 403, 'STAGED', 'E0000038'],
    ['expire_password_with_temp_password', 'LOCKED_OUT', 200, 'PASSWORD_EXPIRED'],
    ['reset_password', 'ACTIVE', 200, 'RECOVERY'],
    ['reset_password', 'PASSWORD_EXPIRED', 200, 'RECOVERY'],
    ['reset_password', 'DEPROVISIONED', 403, 'DEPROVISIONED', 'E0000038'],
  ];

  it.each(table)(
    '%s from %s answers %i and leaves the user %s',
    async (operation, from, status, userStatus, errorCode) => {
      const userId = await userIn(from);
      const answer = await lifecycle(userId, operation);
      expect(answer).toEqual({ status, userStatus, ...(errorCode ? { errorCode } : {}) });
    },
  );
});
