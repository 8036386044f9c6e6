import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';
import { startLocalAws, type LocalAws } from '../../local/aws/index.js';
import { captureText, findLeaks, isRegisteredSecret } from '../support/leak-capture.js';

describe('the leak capture', () => {
  let sim: OktaSim;
  let aws: LocalAws;
  beforeAll(async () => {
    [sim, aws] = await Promise.all([startOktaSim({ seed: 'empty' }), startLocalAws()]);
  });
  afterAll(async () => {
    await Promise.all([sim.close(), aws.close()]);
  });

  it('registers the api token of every simulated org', () => {
    expect(isRegisteredSecret(sim.apiToken)).toBe(true);
  });

  it('registers the secrets of every connection put in the local Secrets Manager', () => {
    aws.secrets.put('okta-connector/x', { domain: 'a.okta.com', auth: { type: 'api-token', token: 'tok-0123456789abcdef' }, eventHookSecret: 'hook-secret-abcdef0123' });
    expect(isRegisteredSecret('tok-0123456789abcdef')).toBe(true);
    expect(isRegisteredSecret('hook-secret-abcdef0123')).toBe(true);
  });

  it('captures stdout writes', () => {
    const before = findLeaks().length;
    captureText('probe', 'nothing secret here');
    expect(findLeaks().length).toBe(before);
  });
});
