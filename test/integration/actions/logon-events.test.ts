import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, SHAPES, startHarness, type Harness } from './action-harness.js';
import { timesFired } from '../../support/fault-counters.js';
import { handler as getLogonEventsByIp } from '../../../functions/actions/get-logon-events-by-ip.js';
import { match } from '../../support/match.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();

/** Puts sign-ins (and one other event) from `ip` in the System Log; returns the sign-ins' uuids, newest first. */
function signInsFrom(ip: string): { all: string[]; failures: string[] } {
  const event = (hoursAgo: number, result: string, eventType = 'user.session.start', from = ip) => ({
    eventType,
    published: ago(hoursAgo),
    client: { ipAddress: from },
    outcome: { result },
  });
  // The last one is 30 hours old: outside the default window of 24 hours.
  const [newest, middle, oldest] = h.sim.control.addLogEvents([
    event(1, 'SUCCESS'),
    event(2, 'FAILURE'),
    event(3, 'FAILURE'),
    event(1.5, 'SUCCESS', 'user.lifecycle.create'),
    event(30, 'SUCCESS'),
  ]);
  h.sim.control.addLogEvents([event(1, 'SUCCESS', 'user.session.start', '192.0.2.99')]);
  return { all: [newest!.uuid, middle!.uuid, oldest!.uuid], failures: [middle!.uuid, oldest!.uuid] };
}

const uuids = (events: unknown) => (events as { uuid: string }[]).map((e) => e.uuid);

const IPS = {
  rest: ['198.51.100.1', '2001:db8::1'],
  http: ['198.51.100.2', '2001:db8::2'],
  direct: ['198.51.100.3', '2001:db8::3'],
};

describe.each(SHAPES)('get-logon-events-by-ip through %s', (shape) => {
  const [ipv4, ipv6] = IPS[shape];
  let v4: { all: string[]; failures: string[] };
  beforeAll(() => {
    v4 = signInsFrom(ipv4!);
  });

  it('returns the sign-ins from the IP of the last 24 hours, newest first', async () => {
    const outcome = await invoke(getLogonEventsByIp, 'get-logon-events-by-ip', { ipAddress: ipv4 }, shape);
    expect(outcome.status).toBe(200);
    expect(uuids(outcome.body.events)).toEqual(v4.all);
  });

  it('keeps only failures with outcome FAILURE', async () => {
    const outcome = await invoke(
      getLogonEventsByIp,
      'get-logon-events-by-ip',
      { ipAddress: ipv4, outcome: 'FAILURE' },
      shape,
    );
    expect(uuids(outcome.body.events)).toEqual(v4.failures);
  });

  it('returns at most limit events, the newest', async () => {
    const outcome = await invoke(getLogonEventsByIp, 'get-logon-events-by-ip', { ipAddress: ipv4, limit: 2 }, shape);
    expect(uuids(outcome.body.events)).toEqual(v4.all.slice(0, 2));
  });

  it('looks further back with since, and stops at until', async () => {
    const wide = await invoke(getLogonEventsByIp, 'get-logon-events-by-ip', { ipAddress: ipv4, since: ago(48) }, shape);
    expect(uuids(wide.body.events)).toHaveLength(4);
    const bounded = await invoke(
      getLogonEventsByIp,
      'get-logon-events-by-ip',
      { ipAddress: ipv4, since: ago(2.5), until: ago(1.5) },
      shape,
    );
    expect(uuids(bounded.body.events)).toEqual([v4.all[1]]);
  });

  it('takes an IPv6 address', async () => {
    const v6 = signInsFrom(ipv6!);
    const outcome = await invoke(getLogonEventsByIp, 'get-logon-events-by-ip', { ipAddress: ipv6 }, shape);
    expect(uuids(outcome.body.events)).toEqual(v6.all);
  });

  it('answers Okta refusing the query with OktaValidationFailed', async () => {
    const fault = h.sim.control.addFault({
      type: 'server-error',
      status: 400,
      errorCode: 'E0000053',
      path: '^/api/v1/logs$',
      count: 1,
    });
    const outcome = await invoke(getLogonEventsByIp, 'get-logon-events-by-ip', { ipAddress: ipv4 }, shape);
    expect(timesFired(h.sim, fault)).toBe(1);
    h.sim.control.removeFault(fault.id);
    expect(outcome).toMatchObject({ status: 400, type: 'OktaValidationFailed', body: { oktaErrorCode: 'E0000053' } });
  });

  it.each([
    [{ ipAddress: '198.51.100' }, 'ipAddress: must be an IPv4 or IPv6 address'],
    [{ ipAddress: '198.51.100.1" or eventType eq "x' }, 'ipAddress: must be an IPv4 or IPv6 address'],
    [{}, 'ipAddress: is required'],
    [{ ipAddress: '198.51.100.1', since: ago(1), until: ago(2) }, match.stringMatching(/^since: must be before until/)],
    [{ ipAddress: '198.51.100.1', outcome: 'success' }, 'outcome: must be one of "SUCCESS", "FAILURE"'],
    [{ ipAddress: '198.51.100.1', limit: 1001 }, 'limit: must be at most 1000'],
  ])('refuses %j', async (input, message) => {
    const outcome = await invoke(getLogonEventsByIp, 'get-logon-events-by-ip', input, shape);
    expect(outcome).toMatchObject({ status: 400, type: 'InvalidInput', body: { message } });
  });
});
