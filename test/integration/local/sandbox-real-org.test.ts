import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaSim, type OktaSim } from '../../../local/okta-sim/index.js';
import { realOrgFromEnv, startSandbox, type Sandbox } from '../../../local/sandbox.js';

// `npm start` with OKTA_ORG_URL and credentials uses that org; a separately started simulator stands in for it.
let org: OktaSim;
let sandbox: Sandbox;
const notes: string[] = [];

beforeAll(async () => {
  org = await startOktaSim({ seed: 'empty' });
  sandbox = await startSandbox({
    scheduleSeconds: 3600,
    env: { OKTA_ORG_URL: org.url, OKTA_API_TOKEN: org.apiToken },
    note: (n) => notes.push(n),
  });
}, 30_000);
afterAll(async () => {
  await sandbox.stop();
  await org.close();
});

describe('the sandbox with an org from the environment', () => {
  it('starts no simulator and runs the actions against that org', async () => {
    const response = await fetch(`${sandbox.actionsUrl}/actions/get-user`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: org.org.adminUserId }),
    });

    expect(sandbox.sim).toBeUndefined();
    expect(sandbox.orgUrl).toBe(org.url);
    expect(response.status).toBe(200);
  });

  it('registers no event hook, and says why', () => {
    expect(notes.join('\n')).toMatch(/event hook is not registered: Okta cannot reach/);
    expect(org.control.hookDeliveries()).toEqual([]);
  });

  it('keeps only the default connection', () => {
    expect(sandbox.connections).toEqual(['default']);
  });
});

describe('realOrgFromEnv', () => {
  it('reads client credentials', () => {
    expect(
      realOrgFromEnv({
        OKTA_ORG_URL: 'https://acme.okta.com',
        OKTA_CLIENT_ID: 'c',
        OKTA_PRIVATE_KEY: 'pem',
        OKTA_KEY_ID: 'k',
        OKTA_SCOPES: 'okta.users.read',
      }),
    ).toEqual({
      domain: 'https://acme.okta.com',
      auth: { type: 'client-credentials', clientId: 'c', privateKey: 'pem', keyId: 'k', scopes: ['okta.users.read'] },
    });
  });

  it('says which credentials to set when only the URL is given', () => {
    expect(() => realOrgFromEnv({ OKTA_ORG_URL: 'https://acme.okta.com' })).toThrow(
      /set OKTA_API_TOKEN, or OKTA_CLIENT_ID, OKTA_PRIVATE_KEY and OKTA_KEY_ID/,
    );
  });

  it('uses the simulator when OKTA_ORG_URL is unset', () => {
    expect(realOrgFromEnv({})).toBeUndefined();
  });
});
