/** How a group looks on the wire (the spec's `Group`, shaped like the samples) and to a group search. */
import { isoDate } from '../clock.js';
import type { GroupRecord } from '../directory.js';
import type { LogTarget } from '../logs/log-events.js';
import type { Org } from '../org.js';

export function groupJson(org: Org, group: GroupRecord): Record<string, unknown> {
  const base = org.baseUrl();
  const logo = group.type === 'APP_GROUP' ? 'ad' : 'okta';
  return {
    id: group.id,
    created: isoDate(group.created),
    lastUpdated: isoDate(group.lastUpdated),
    lastMembershipUpdated: isoDate(group.lastMembershipUpdated),
    objectClass: ['okta:user_group'],
    type: group.type,
    profile: group.profile,
    _links: {
      logo: [
        { name: 'medium', href: `${base}/img/logos/groups/${logo}-medium.png`, type: 'image/png' },
        { name: 'large', href: `${base}/img/logos/groups/${logo}-large.png`, type: 'image/png' },
      ],
      users: { href: `${base}/api/v1/groups/${group.id}/users` },
      apps: { href: `${base}/api/v1/groups/${group.id}/apps` },
      ...(group.sourceAppId ? { source: { href: `${base}/api/v1/apps/${group.sourceAppId}` } } : {}),
    },
  };
}

export function groupSearchView(group: GroupRecord): Record<string, unknown> {
  return {
    id: group.id,
    type: group.type,
    created: isoDate(group.created),
    lastUpdated: isoDate(group.lastUpdated),
    lastMembershipUpdated: isoDate(group.lastMembershipUpdated),
    profile: { ...group.profile },
    source: group.sourceAppId ? { id: group.sourceAppId } : undefined,
  };
}

/** Call before changing a group: keeps what the (eventually consistent) search index still shows. */
export function recordGroupWrite(org: Org, group: GroupRecord): void {
  const now = org.clock.now();
  if (org.searchLagMs > 0 && now - group.writtenAt >= org.searchLagMs) group.searchPrevious = groupSearchView(group);
  group.writtenAt = now;
}

export function indexedGroupView(org: Org, group: GroupRecord): Record<string, unknown> | undefined {
  if (org.searchLagMs > 0 && org.clock.now() - group.writtenAt < org.searchLagMs)
    return group.searchPrevious ?? undefined;
  return groupSearchView(group);
}

/** A group as a System Log target. */
export function groupTarget(group: GroupRecord): LogTarget {
  const name = String(group.profile.name);
  return { id: group.id, type: 'UserGroup', alternateId: name, displayName: name, detailEntry: null };
}
