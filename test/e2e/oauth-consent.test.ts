import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_LOGIN } from '../../local/okta-sim/seed.js';
import { startSandbox, type Sandbox } from '../../local/sandbox.js';

// The first consent of an authorization-code connection, in a real browser: Debian's Chromium driven by
// playwright-core, through the gateway's /oauth/authorize, the simulated org's sign-in and consent page, and the
// callback that stores the refresh token. `.ci/run` installs Chromium; without it this test fails, on purpose.
const chromiumPath = '/usr/bin/chromium';
const adminPassword = 'Sim-Admin-Passw0rd!'; // the seeded super admin's password (local/okta-sim/seed.ts)

let sandbox: Sandbox;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is missing at ${chromiumPath}: install it with \`apt-get install -y chromium\` (.ci/run does it in CI)`,
    );
  }
  sandbox = await startSandbox({ scheduleSeconds: 3600, env: { ...process.env, OKTA_ORG_URL: '' } });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

const webSecret = () =>
  JSON.parse(sandbox.aws.secrets.get('okta-connector/web') ?? '{}') as { auth: { refreshToken?: string } };

describe('authorization-code consent in a browser', () => {
  it('signs in and consents on the org page, stores the refresh token, and an action then runs with the connection', async () => {
    expect(webSecret().auth.refreshToken).toBeUndefined();
    const page = await browser.newPage();

    await page.goto(`${sandbox.actionsUrl}/oauth/authorize?connection=web`);
    expect(page.url()).toContain(`${sandbox.orgUrl}/oauth2/v1/authorize`);
    await page.fill('#username', ADMIN_LOGIN);
    await page.fill('#password', adminPassword);
    await Promise.all([page.waitForURL(`${sandbox.actionsUrl}/oauth/callback**`), page.click('#allow')]);

    expect(await page.textContent('body')).toContain('Connection ready');
    expect(webSecret().auth.refreshToken).toEqual(expect.any(String));
    const response = await fetch(`${sandbox.actionsUrl}/actions/get-user`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connection: 'web', userId: ADMIN_LOGIN }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ profile: { login: ADMIN_LOGIN } });
    await page.close();
  }, 30_000);

  it('shows the denial and stores nothing when the admin does not allow access', async () => {
    const before = webSecret().auth.refreshToken;
    const page = await browser.newPage();

    await page.goto(`${sandbox.actionsUrl}/oauth/authorize?connection=web`);
    await page.fill('#username', ADMIN_LOGIN);
    await page.fill('#password', adminPassword);
    await Promise.all([page.waitForURL(`${sandbox.actionsUrl}/oauth/callback**`), page.click('#deny')]);

    expect(await page.textContent('body')).toContain('Consent denied');
    expect(webSecret().auth.refreshToken).toBe(before);
    await page.close();
  }, 30_000);
});
