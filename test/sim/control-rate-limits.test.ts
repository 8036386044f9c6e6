// POST /__sim/rate-limits sets a bucket's per-minute limit over HTTP, so a load test can run against `npm start`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';

let sim: OktaSim;

const getUser = () =>
  fetch(`${sim.url}/api/v1/users/me`, { headers: { authorization: `SSWS ${sim.apiToken}` } }).then((r) => r.headers);
const setLimits = (body: unknown) =>
  fetch(`${sim.url}/__sim/rate-limits`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  sim = await startOktaSim({ seed: 'empty' });
});

afterAll(async () => {
  await sim.close();
});

describe('POST /__sim/rate-limits', () => {
  it("sets a bucket's per-minute limit, the window in use included", async () => {
    await getUser();
    const response = await setLimits({ 'user-get': 300 });
    expect(response.status).toBe(200);
    const headers = await getUser();
    expect([headers.get('x-rate-limit-limit'), headers.get('x-rate-limit-remaining')]).toEqual(['300', '298']);
    expect(sim.control.rateLimits()['user-get']).toMatchObject({ limit: 300, used: 2 });
  });

  it('refuses an unknown bucket or a limit that is not a positive integer, and changes nothing', async () => {
    for (const body of [{ 'no-such-bucket': 10 }, { 'user-get': 0 }, { 'user-get': 'many' }, {}]) {
      expect((await setLimits(body)).status).toBe(400);
    }
    expect((await getUser()).get('x-rate-limit-limit')).toBe('300');
  });
});
