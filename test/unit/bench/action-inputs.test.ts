import { describe, expect, it } from 'vitest';
import { invocationEvent, type OrgSample } from '../../../bench/action-inputs.js';

const sample: OrgSample = {
  activeUserIds: Array.from({ length: 100 }, (_, i) => `00u${String(i).padStart(17, '0')}`),
  oktaGroupIds: ['00gsales'],
  groupNames: ['Everyone', 'Sales'],
  everyoneGroupId: '00geveryone',
  signInIp: '198.51.100.7',
};
const options = (run: number) => ({ run, runTag: 't', hookSecret: 's' });
const userOf = (name: string, run: number) =>
  (invocationEvent(name, sample, options(run)) as { userId: string }).userId;

describe('invocationEvent', () => {
  it('gives each run of an action that changes a user a user of its own', () => {
    const users = [0, 1, 2, 3, 4].map((run) => userOf('delete-user', run));
    expect(new Set(users).size).toBe(5);
  });

  it('never gives two changing actions the same user', () => {
    const deleted = [0, 1, 2, 3, 4].map((run) => userOf('delete-user', run));
    const suspended = [0, 1, 2, 3, 4].map((run) => userOf('suspend-user', run));
    expect(deleted.filter((id) => suspended.includes(id))).toEqual([]);
  });

  it('creates a new login on every run', () => {
    const login = (run: number) =>
      (invocationEvent('create-user', sample, options(run)) as { profile: { login: string } }).profile.login;
    expect(login(0)).not.toBe(login(1));
  });

  it('has no input for a function it does not know', () => {
    expect(invocationEvent('no-such-function', sample, options(0))).toBeUndefined();
  });
});
