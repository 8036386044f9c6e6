import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../local/sandbox.js';

// Verified mode (issue 14.4) on the real wire: the sandbox as the stack deploys it with eventHookMode 'verified'
// (every function in its own containers, the hand-off queue mapped into the poller), the simulated org delivering
// to the hook as Okta does. The poller's own schedule is a minute away, so what arrives within seconds came from a
// delivery's wake.
let sandbox: Sandbox;
const published = () =>
  sandbox.aws.eventBridge
    .entries()
    .map((entry) => JSON.parse(entry.Detail) as { uuid: string; 'okta-connector': { trigger: string } });

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('not in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  sandbox = await startSandbox({ env: { LOG_LEVEL: 'ERROR', LOCAL_EVENT_HOOK_MODE: 'verified' } });
}, 60_000);
afterAll(async () => {
  await sandbox.stop();
});

describe('verified mode: a delivery only wakes a poll', () => {
  it("publishes a delivered event from the poll's authenticated read of the System Log, within seconds", async () => {
    const [event] = sandbox.sim!.control.addLogEvents([{ eventType: 'user.lifecycle.create' }]);
    await until(() => published().some((detail) => detail.uuid === event?.uuid));
    const copies = published().filter((detail) => detail.uuid === event?.uuid);
    expect(copies).toHaveLength(1);
    expect(copies[0]?.['okta-connector'].trigger).toBe('poll');
  }, 60_000);

  it('never publishes what a delivery carrying the secret says, when the System Log does not hold it', async () => {
    const forged = { uuid: crypto.randomUUID(), published: new Date().toISOString(), eventType: 'user.session.start' };
    const response = await fetch(sandbox.eventHookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: sandbox.eventHookSecret },
      body: JSON.stringify({
        eventType: 'com.okta.event_hook',
        source: `${sandbox.orgUrl}/api/v1/eventHooks/whoForged1`,
        data: { events: [forged] },
      }),
    });
    expect(response.status).toBe(200);
    // The poll it woke has run once a real event created after it is on the bus.
    const [after] = sandbox.sim!.control.addLogEvents([{ eventType: 'user.lifecycle.create' }]);
    await until(() => published().some((detail) => detail.uuid === after?.uuid));
    expect(published().some((detail) => detail.uuid === forged.uuid)).toBe(false);
  }, 60_000);
});
