/**
 * `get-logon-events-by-ip`: a bounded System Log query (both `since` and `until`, so Okta orders and filters by
 * `published` and the pages end, SLQ) for `user.session.start` from one IP, newest first.
 */
import { actionHandler } from '../lib/actions/action-handler.js';
import { InvalidInput } from '../lib/errors.js';
import { scimString } from '../lib/okta/paths.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export const handler = actionHandler('get-logon-events-by-ip', async (input, okta, { deadline }) => {
  const until = input.until ?? new Date().toISOString();
  const since = input.since ?? new Date(Date.now() - DAY_MS).toISOString();
  if (Date.parse(since) >= Date.parse(until)) {
    throw new InvalidInput([{ field: 'since', problem: `must be before until (${until})` }]);
  }
  const conditions = ['eventType eq "user.session.start"', `client.ipAddress eq ${scimString(input.ipAddress)}`];
  if (input.outcome) conditions.push(`outcome.result eq ${scimString(input.outcome)}`);
  const { items } = await okta.list(
    {
      method: 'GET',
      path: '/api/v1/logs',
      query: { since, until, filter: conditions.join(' and '), sortOrder: 'DESCENDING' },
    },
    { deadline, limit: input.limit, pageSize: input.limit },
  );
  return { events: items };
});
