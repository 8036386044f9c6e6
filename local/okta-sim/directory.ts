/**
 * The org's directory: users, groups, apps and the links between them, with the indexes every request needs
 * (by id, by login, by short name, members, assignments), so no request costs time proportional to the org size.
 */
import { asText } from './text.js';

export type UserStatus =
  'ACTIVE' | 'DEPROVISIONED' | 'LOCKED_OUT' | 'PASSWORD_EXPIRED' | 'PROVISIONED' | 'RECOVERY' | 'STAGED' | 'SUSPENDED';

export interface UserRecord {
  id: string;
  /** Creation order: the order of plain lists and the position an `after` cursor points to. */
  seq: number;
  status: UserStatus;
  created: number;
  activated: number | null;
  statusChanged: number | null;
  lastLogin: number | null;
  lastUpdated: number;
  passwordChanged: number | null;
  typeId: string;
  profile: Record<string, unknown>;
  password?: string;
  recoveryQuestion?: { question: string; answer: string };
  provider: { type: string; name: string };
  deleted: boolean;
  /** What an eventually consistent search still sees until `writtenAt + searchLagMs` (null: not yet indexed). */
  searchPrevious?: Record<string, unknown> | null;
  writtenAt: number;
}

export type GroupType = 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN';

export interface GroupRecord {
  id: string;
  seq: number;
  type: GroupType;
  created: number;
  lastUpdated: number;
  lastMembershipUpdated: number;
  profile: { name: string; description: string | null; [attribute: string]: unknown };
  /** The app an APP_GROUP is imported from. */
  sourceAppId?: string;
  /** Member ids in the order they were added (a Map keeps insertion order and gives O(1) membership). */
  members: Map<string, number>;
  searchPrevious?: Record<string, unknown> | null;
  writtenAt: number;
}

export interface AppUserAssignment {
  id: string;
  created: number;
  userName: string;
}

export interface AppRecord {
  id: string;
  seq: number;
  name: string;
  label: string;
  status: 'ACTIVE' | 'INACTIVE';
  signOnMode: string;
  created: number;
  lastUpdated: number;
  logo: string;
  users: Map<string, AppUserAssignment>;
  groups: Map<string, { id: string; priority: number }>;
}

export class Directory {
  readonly users = new Map<string, UserRecord>();
  /** Every user ever created, in creation order (deleted ones stay, flagged), indexed by `seq`. */
  readonly usersInOrder: UserRecord[] = [];
  /** Positions of users by id, kept after deletion so an `after` cursor of a deleted user still works. */
  readonly userPositions = new Map<string, number>();
  private readonly byLogin = new Map<string, string>();
  /** Short name (login before `@`) to user ids: a short name resolves only when unambiguous. */
  private readonly byShortName = new Map<string, Set<string>>();
  private readonly groupsOfUser = new Map<string, Set<string>>();

  readonly groups = new Map<string, GroupRecord>();
  readonly groupsInOrder: GroupRecord[] = [];
  readonly groupPositions = new Map<string, number>();
  everyoneGroupId: string | undefined;

  readonly apps = new Map<string, AppRecord>();
  readonly appsInOrder: AppRecord[] = [];
  readonly appPositions = new Map<string, number>();

  addUser(user: Omit<UserRecord, 'seq' | 'deleted' | 'writtenAt'> & { writtenAt?: number }): UserRecord {
    const record: UserRecord = {
      ...user,
      seq: this.usersInOrder.length,
      deleted: false,
      writtenAt: user.writtenAt ?? 0,
    };
    this.users.set(record.id, record);
    this.usersInOrder.push(record);
    this.userPositions.set(record.id, record.seq);
    this.indexLogin(record);
    this.groupsOfUser.set(record.id, new Set());
    if (this.everyoneGroupId) this.addMember(this.everyoneGroupId, record.id, record.created);
    return record;
  }

  /** Finds a user by id, by login (case-insensitive) or by an unambiguous short name. */
  findUser(idOrLogin: string): UserRecord | undefined {
    const byId = this.users.get(idOrLogin);
    if (byId) return byId;
    const key = idOrLogin.toLowerCase();
    const loginId = this.byLogin.get(key);
    if (loginId) return this.users.get(loginId);
    const shortIds = this.byShortName.get(key);
    if (shortIds?.size === 1) return this.users.get([...shortIds][0] as string);
    return undefined;
  }

  loginOwner(login: string): string | undefined {
    return this.byLogin.get(login.toLowerCase());
  }

  /** Re-indexes a user whose login is about to change. */
  changeLogin(user: UserRecord, newLogin: string): void {
    this.unindexLogin(user);
    user.profile.login = newLogin;
    this.indexLogin(user);
  }

  deleteUser(user: UserRecord): void {
    user.deleted = true;
    this.users.delete(user.id);
    this.unindexLogin(user);
    for (const groupId of this.groupsOfUser.get(user.id) ?? []) this.groups.get(groupId)?.members.delete(user.id);
    this.groupsOfUser.delete(user.id);
    for (const app of this.apps.values()) app.users.delete(user.id);
  }

  addGroup(group: Omit<GroupRecord, 'seq' | 'members' | 'writtenAt'> & { writtenAt?: number }): GroupRecord {
    const record: GroupRecord = {
      ...group,
      seq: this.groupsInOrder.length,
      members: new Map(),
      writtenAt: group.writtenAt ?? 0,
    };
    this.groups.set(record.id, record);
    this.groupsInOrder.push(record);
    this.groupPositions.set(record.id, record.seq);
    if (record.type === 'BUILT_IN' && record.profile.name === 'Everyone') this.everyoneGroupId = record.id;
    return record;
  }

  /** Removes a group, its memberships and its app assignments (its position stays, as users' do). */
  deleteGroup(group: GroupRecord): void {
    this.groups.delete(group.id);
    for (const userId of group.members.keys()) this.groupsOfUser.get(userId)?.delete(group.id);
    group.members.clear();
    for (const app of this.apps.values()) app.groups.delete(group.id);
  }

  /** Adds a member; false when the user already was one. */
  addMember(groupId: string, userId: string, at: number): boolean {
    const group = this.groups.get(groupId);
    if (!group || group.members.has(userId)) return false;
    group.members.set(userId, at);
    group.lastMembershipUpdated = at;
    this.groupsOfUser.get(userId)?.add(groupId);
    return true;
  }

  /** Removes a member; false when the user was not one. */
  removeMember(groupId: string, userId: string, at: number): boolean {
    const group = this.groups.get(groupId);
    if (!group || !group.members.delete(userId)) return false;
    group.lastMembershipUpdated = at;
    this.groupsOfUser.get(userId)?.delete(groupId);
    return true;
  }

  userGroups(userId: string): GroupRecord[] {
    const ids = [...(this.groupsOfUser.get(userId) ?? [])];
    return ids
      .map((id) => this.groups.get(id))
      .filter((group): group is GroupRecord => group !== undefined)
      .sort((a, b) => a.seq - b.seq);
  }

  addApp(app: Omit<AppRecord, 'seq' | 'users' | 'groups'>): AppRecord {
    const record: AppRecord = { ...app, seq: this.appsInOrder.length, users: new Map(), groups: new Map() };
    this.apps.set(record.id, record);
    this.appsInOrder.push(record);
    this.appPositions.set(record.id, record.seq);
    return record;
  }

  /** Apps a user reaches directly or through one of their groups, in app order. */
  userApps(userId: string): AppRecord[] {
    const groupIds = this.groupsOfUser.get(userId) ?? new Set<string>();
    return this.appsInOrder.filter(
      (app) => app.users.has(userId) || [...app.groups.keys()].some((groupId) => groupIds.has(groupId)),
    );
  }

  private indexLogin(user: UserRecord): void {
    const login = asText(user.profile.login).toLowerCase();
    this.byLogin.set(login, user.id);
    const shortName = login.split('@')[0] as string;
    if (shortName !== login) {
      const ids = this.byShortName.get(shortName) ?? new Set<string>();
      ids.add(user.id);
      this.byShortName.set(shortName, ids);
    }
  }

  private unindexLogin(user: UserRecord): void {
    const login = asText(user.profile.login).toLowerCase();
    if (this.byLogin.get(login) === user.id) this.byLogin.delete(login);
    this.byShortName.get(login.split('@')[0] as string)?.delete(user.id);
  }
}
