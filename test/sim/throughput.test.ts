// The simulator must never be what a benchmark measures: simple GETs are cheap and big lists page quickly.
// Shared CI machines are busy, so the checks count CPU time of this process (the simulator and its client
// together), not wall time, and the bounds are generous; the real figures belong to the benchmarks.
import { Agent, get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';

let sim: OktaSim;
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function getJson(url: string): Promise<{ body: string; link: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent, headers: { authorization: `SSWS ${sim.apiToken}` } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ body, link: String(response.headers.link ?? '') }));
    }).on('error', reject);
  });
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

beforeAll(async () => {
  sim = await startOktaSim({ seed: { users: 20_000 }, rateLimits: false });
});

afterAll(async () => {
  agent.destroy();
  await sim.close();
});

describe('throughput', () => {
  it('serves more than 2,000 authenticated GETs of a user per CPU second, client included', async () => {
    const url = `${sim.url}/api/v1/users/${sim.org.adminUserId}`;
    for (let i = 0; i < 200; i++) await getJson(url);
    const total = 4000;
    let sent = 0;
    const started = process.cpuUsage();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (sent < total) {
          sent++;
          await getJson(url);
        }
      }),
    );
    const perCpuSecond = total / (cpuMs(started) / 1000);
    console.log(`okta-sim: ${Math.round(perCpuSecond)} GETs per CPU second (simulator and client in one process)`);
    expect(perCpuSecond).toBeGreaterThan(2000);
  });

  it('lists 20,000 users in pages of 200 in well under two seconds of CPU, client included', async () => {
    let url: string | undefined = `${sim.url}/api/v1/users?limit=200`;
    let count = 0;
    const started = process.cpuUsage();
    while (url) {
      const page = await getJson(url);
      count += (JSON.parse(page.body) as unknown[]).length;
      url = /<([^>]+)>; rel="next"/.exec(page.link)?.[1];
    }
    const used = cpuMs(started);
    console.log(`okta-sim: listed ${count} users in ${Math.round(used)} ms of CPU`);
    expect(count).toBe(sim.org.users().filter((user) => user.status !== 'DEPROVISIONED').length);
    expect(used).toBeLessThan(1500);
  });
});
