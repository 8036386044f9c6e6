import { describe, expect, it } from 'vitest';
import { eventLine } from '../../../local/event-lines.js';

const AT = '2026-11-29T12:01:03.000Z';
const LOCAL_TIME = new Date(AT).toTimeString().slice(0, 8);

describe('eventLine', () => {
  it('shows the time, the event type, the target user and the trigger', () => {
    const detail = {
      eventType: 'user.lifecycle.create',
      target: [{ type: 'User', alternateId: 'jdoe@example.com' }],
      'okta-connector': { connection: 'default', trigger: 'event-hook' },
    };
    const line = eventLine({
      Source: 'okta-connector',
      DetailType: 'user.lifecycle.create',
      Detail: JSON.stringify(detail),
      Time: AT,
      EventBusName: 'default',
    });

    expect(line).toBe(`${LOCAL_TIME} user.lifecycle.create  jdoe@example.com  via event-hook`);
  });

  it('falls back to the actor and names a connection other than default', () => {
    const detail = {
      actor: { alternateId: 'admin@example.com' },
      'okta-connector': { connection: 'service', trigger: 'poll' },
    };
    const line = eventLine({
      Source: 's',
      DetailType: 'user.session.start',
      Detail: JSON.stringify(detail),
      Time: AT,
      EventBusName: 'default',
    });

    expect(line).toBe(`${LOCAL_TIME} user.session.start  admin@example.com  via poll  [service]`);
  });

  it('summarises a search result', () => {
    const detail = { connection: 'default', search: 'failed-sign-ins', count: 3, part: 1, parts: 2, events: [] };
    const line = eventLine({
      Source: 's',
      DetailType: 'Okta Event Search Results',
      Detail: JSON.stringify(detail),
      Time: AT,
      EventBusName: 'default',
    });

    expect(line).toBe(`${LOCAL_TIME} Okta Event Search Results  failed-sign-ins: 3 events (part 1/2)  via search`);
  });
});
