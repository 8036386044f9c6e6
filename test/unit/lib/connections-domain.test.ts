import { afterEach, describe, expect, it, vi } from 'vitest';
import { readConfig } from '../../../functions/lib/config.js';
import { parseConnection } from '../../../functions/lib/connections.js';
import { logger } from '../../../functions/lib/observability.js';
import { match } from '../../support/match.js';

afterEach(() => vi.restoreAllMocks());

describe("connections: domains outside Okta's own", () => {
  const auth = { type: 'api-token', token: '00-not-a-real-token' };

  it('loads a custom domain and logs a warning naming it', () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const connection = parseConnection('custom', { domain: 'sso-admin.example.com', auth }, readConfig({}));
    expect(connection.baseUrl).toBe('https://sso-admin.example.com');
    expect(warn).toHaveBeenCalledWith('Connection outside Okta domains', {
      connection: 'custom',
      warning: match.stringContaining('sso-admin.example.com'),
    });
  });

  it("logs nothing for an org on Okta's own domain", () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    parseConnection('acme', { domain: 'acme.okta.com', auth }, readConfig({}));
    expect(warn).not.toHaveBeenCalled();
  });
});
