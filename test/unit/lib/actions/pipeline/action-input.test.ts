import { afterEach, describe, expect, it, vi } from 'vitest';
import { findAction, type ActionSpec } from '../../../../../functions/catalog.js';
import { callOf } from '../../../../../functions/lib/actions/pipeline/action-call.js';
import { actionInput } from '../../../../../functions/lib/actions/pipeline/action-input.js';
import { resetConfig } from '../../../../../functions/lib/config.js';
import { openedRequest, restEvent } from './middy-request.js';

const spec = (name: string) => findAction(name) as ActionSpec;

afterEach(() => {
  vi.unstubAllEnvs();
  resetConfig();
});

describe('actionInput', () => {
  it('makes the validated input, defaults applied, the event the handler body gets', async () => {
    const request = openedRequest(restEvent({ userId: '00u1' }));
    await actionInput(spec('reset-password')).before!(request);
    expect(request.event).toEqual({ userId: '00u1', sendEmail: false, revokeSessions: false });
  });

  it("notes the deployment's default connection when the input names none, and the one it names otherwise", async () => {
    vi.stubEnv('DEFAULT_CONNECTION', 'main');
    resetConfig();
    const unnamed = openedRequest({ userId: '00u1' });
    await actionInput(spec('get-user')).before!(unnamed);
    expect(callOf(unnamed).connection).toBe('main');
    const named = openedRequest({ userId: '00u1', connection: 'acme' });
    await actionInput(spec('get-user')).before!(named);
    expect(callOf(named).connection).toBe('acme');
  });

  it('keeps the secret values of the input for the log line to blank', async () => {
    const request = openedRequest({ userId: '00u1', password: 'Hunter2-password-value' });
    await actionInput(spec('update-user')).before!(request);
    expect(callOf(request).secrets).toEqual(['Hunter2-password-value']);
  });

  it('takes the connection of the per-connection route and refuses an input naming another', async () => {
    const routed = openedRequest(restEvent({ userId: '00u1' }, { connection: 'acme' }));
    await actionInput(spec('get-user')).before!(routed);
    expect(routed.event).toEqual({ userId: '00u1', connection: 'acme' });
    const other = openedRequest(restEvent({ userId: '00u1', connection: 'prod' }, { connection: 'acme' }));
    expect(() => void actionInput(spec('get-user')).before!(other)).toThrow(/connection: must be "acme"/);
  });

  it('refuses an invalid input, naming each bad field', () => {
    const request = openedRequest({ userId: '', extra: 1 });
    expect(() => void actionInput(spec('get-user')).before!(request)).toThrow(
      'userId: must not be empty; extra: is not a known field',
    );
  });

  it('refuses userId "me" where the action changes a user, and lets a read use it', async () => {
    expect(() => void actionInput(spec('suspend-user')).before!(openedRequest({ userId: ' Me ' }))).toThrow(/"me"/);
    const read = openedRequest({ userId: 'me' });
    await actionInput(spec('get-user')).before!(read);
    expect(read.event).toEqual({ userId: 'me' });
  });
});
