import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../bin/cli.js';
import { ADMIN_LOGIN } from '../../local/okta-sim/seed.js';
import { startSandbox, type Sandbox } from '../../local/sandbox.js';
import { match } from '../support/match.js';

// The consent of an authorization-code connection, in a real browser: started by the operator's CLI (an IAM-signed
// Lambda invoke, here of the sandbox), then Debian's Chromium driven by playwright-core through the gateway's
// /oauth/authorize, the simulated org's sign-in and consent page, and the callback that stores the refresh token. `.ci/run` installs Chromium; without it this test fails, on purpose.
const CHROMIUM_PATH = '/usr/bin/chromium';
const ADMIN_PASSWORD = 'Sim-Admin-Passw0rd!'; // the seeded super admin's password (local/okta-sim/seed.ts)

let sandbox: Sandbox;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (.ci/run does it in CI)`,
    );
  }
  sandbox = await startSandbox({ scheduleSeconds: 3600, env: { ...process.env, OKTA_ORG_URL: '' } });
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
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

/** `npx okta-connector connections consent …` in this process, against the sandbox's Lambda Invoke API. */
async function consentCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, sandbox.functionEnv, {
    AWS_ENDPOINT_URL_LAMBDA: sandbox.lambdaUrl,
    OKTA_CONNECTOR_SANDBOX_FILE: '/nonexistent/sandbox.json',
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  try {
    const code = await runCli(['connections', 'consent', ...args], {
      out: (t) => stdout.push(t),
      err: (t) => stderr.push(t),
      errIsTty: false,
    });
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  } finally {
    process.env = saved;
  }
}

/** Signs in on the org's page and allows (or denies) access; resolves on the connector's callback page. */
async function signInAtOrg(page: Page, button: '#allow' | '#deny' = '#allow'): Promise<void> {
  expect(page.url()).toContain(`${sandbox.orgUrl}/oauth2/v1/authorize`);
  await page.fill('#username', ADMIN_LOGIN);
  await page.fill('#password', ADMIN_PASSWORD);
  await Promise.all([page.waitForURL(`${sandbox.actionsUrl}/oauth/callback**`), page.click(button)]);
}

describe('authorization-code consent in a browser', () => {
  it('starts with the CLI, signs in and consents on the org page, names who consented, and an action then runs', async () => {
    expect(webSecret().auth.refreshToken).toBeUndefined();
    const started = await consentCli(['web', '--consenter', ADMIN_LOGIN]);
    expect(started).toMatchObject({ code: 0, stderr: match.stringContaining('works once') });
    const link = started.stdout.trim();
    expect(link).toMatch(new RegExp(`^${sandbox.actionsUrl}/oauth/authorize\\?consent=[A-Za-z0-9_-]{43}$`));

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    const [cookie] = await context.cookies(sandbox.actionsUrl);
    expect(cookie).toMatchObject({ name: '__Host-okta-connector-consent', httpOnly: true, secure: true, path: '/' });
    await signInAtOrg(page);

    expect(await page.textContent('body')).toContain('Connection "web" is ready');
    expect(await page.textContent('body')).toContain(ADMIN_LOGIN);
    expect(webSecret().auth.refreshToken).toEqual(match.any(String));
    expect(await context.cookies(sandbox.actionsUrl)).toEqual([]);
    const response = await fetch(`${sandbox.actionsUrl}/actions/get-user`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connection: 'web', userId: ADMIN_LOGIN }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ profile: { login: ADMIN_LOGIN } });
    await context.close();
  }, 30_000);

  it('refuses a second consent without --replace, before any link is issued', async () => {
    const refused = await consentCli(['web']);

    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('InvalidInput');
    expect(refused.stderr).toContain('--replace');
    expect(refused.stdout).toBe('');
  });

  it('refuses the consent in another browser than the one that opened the link (login CSRF), and stores nothing', async () => {
    const before = webSecret().auth.refreshToken;
    const link = (await consentCli(['web', '--replace'])).stdout.trim();
    const victim = await browser.newContext();
    const attacker = await browser.newContext();
    const attackerPage = await attacker.newPage();
    await attackerPage.goto(link);
    // The attacker signs in; Okta's answer (a redirect to the callback with a code for the attacker's account) is
    // caught before the attacker's browser follows it, to be handed to another browser.
    let callbackUrl = '';
    await attackerPage.route(`${sandbox.orgUrl}/oauth2/v1/authorize`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const answer = await route.fetch({ maxRedirects: 0 });
      callbackUrl = answer.headers().location ?? '';
      await route.fulfill({ status: 200, contentType: 'text/plain', body: 'caught' });
    });
    await attackerPage.fill('#username', ADMIN_LOGIN);
    await attackerPage.fill('#password', ADMIN_PASSWORD);
    await attackerPage.click('#allow');
    await expect.poll(() => callbackUrl).toContain(`${sandbox.actionsUrl}/oauth/callback?`);

    const victimPage = await victim.newPage();
    await victimPage.goto(callbackUrl);

    expect(await victimPage.textContent('body')).toContain('This consent was not started in this browser');
    expect(webSecret().auth.refreshToken).toBe(before);
    await victim.close();
    await attacker.close();
  }, 30_000);

  it('shows the denial with a fixed message and stores nothing when the admin does not allow access', async () => {
    const before = webSecret().auth.refreshToken;
    const link = (await consentCli(['web', '--replace'])).stdout.trim();
    const page = await browser.newPage();

    await page.goto(link);
    await signInAtOrg(page, '#deny');

    expect(await page.textContent('body')).toContain('Access was denied');
    expect(await page.textContent('body')).not.toContain('The user denied the request.');
    expect(webSecret().auth.refreshToken).toBe(before);
    await page.close();
  }, 30_000);

  it('answers a usage error for a consent without a connection name, and a clear error for an unknown one', async () => {
    expect(await consentCli([])).toMatchObject({ code: 2, stderr: match.stringContaining('name the connection') });
    expect(await consentCli(['nope'])).toMatchObject({
      code: 1,
      stderr: match.stringContaining('not an authorization-code connection'),
    });
  });
});
