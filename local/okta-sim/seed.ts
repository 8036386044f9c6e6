/**
 * Seeds an org: the super admin the API token belongs to and the built-in Everyone group always; then, by
 * request, users with plausible names in several statuses, groups (OKTA_GROUP and an APP_GROUP), apps with
 * direct and group assignments, and days of sign-ins. Deterministic: everything comes from the org's seeded
 * random generator. 20,000 users take well under a second.
 */
import type { GroupRecord, UserRecord, UserStatus } from './directory.js';
import type { Org } from './org.js';
import { generateSignIns } from './logs/sign-ins.js';
import { DEFAULT_USER_TYPE_ID } from './users/users-api.js';

export interface SeedSize {
  users?: number;
  groups?: number;
  apps?: number;
  signInDays?: number;
}

export type SeedOption = 'realistic' | 'empty' | SeedSize;

export const REALISTIC_SEED: Required<SeedSize> = { users: 40, groups: 5, apps: 4, signInDays: 3 };

const FIRST_NAMES = [
  'Alice',
  'Bob',
  'Carmen',
  'Deepak',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Isabel',
  'Jamal',
  'Kara',
  'Liam',
  'Mei',
  'Nora',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tariq',
  'Uma',
  'Victor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoe',
];
const LAST_NAMES = [
  'Smith',
  'Garcia',
  'Okafor',
  'Nguyen',
  'Müller',
  'Kowalski',
  'Tanaka',
  'Haddad',
  'Rossi',
  'Johansson',
  'Patel',
  'Kim',
  'Dubois',
  'Silva',
  "O'Brien",
  'Ivanova',
  'Cohen',
  'Mensah',
  'Novak',
  'Brown',
];
const DEPARTMENTS = [
  'Engineering',
  'Sales',
  'Marketing',
  'Support',
  'Finance',
  'People',
  'Legal',
  'Operations',
  'Design',
  'Security',
];
const TITLES = ['Engineer', 'Manager', 'Analyst', 'Director', 'Specialist', 'Coordinator'];
const CITIES = ['San Francisco', 'New York', 'London', 'Berlin', 'Toronto', 'Sydney'];
const APPS = [
  { name: 'google', label: 'Google Workspace', signOnMode: 'SAML_2_0', logo: 'google-mail.png' },
  { name: 'salesforce', label: 'Salesforce.com', signOnMode: 'SAML_2_0', logo: 'salesforce_logo.png' },
  { name: 'slack', label: 'Slack', signOnMode: 'SAML_2_0', logo: 'slack.png' },
  { name: 'boxnet', label: 'Box', signOnMode: 'SAML_2_0', logo: 'box.png' },
  { name: 'zoomus', label: 'Zoom', signOnMode: 'SAML_2_0', logo: 'zoom.png' },
  { name: 'github', label: 'GitHub Enterprise', signOnMode: 'SAML_2_0', logo: 'github.png' },
  { name: 'atlassian', label: 'Atlassian Cloud', signOnMode: 'SAML_2_0', logo: 'atlassian.png' },
  { name: 'workday', label: 'Workday', signOnMode: 'SAML_2_0', logo: 'workday.png' },
];
/** Status mix of seeded users (most are active, a few in every other status). */
const STATUS_MIX: UserStatus[] = [
  ...Array<UserStatus>(30).fill('ACTIVE'),
  'STAGED',
  'STAGED',
  'PROVISIONED',
  'PROVISIONED',
  'SUSPENDED',
  'SUSPENDED',
  'DEPROVISIONED',
  'LOCKED_OUT',
  'PASSWORD_EXPIRED',
  'RECOVERY',
];
const EVERY_STATUS: UserStatus[] = [
  'ACTIVE',
  'STAGED',
  'PROVISIONED',
  'SUSPENDED',
  'DEPROVISIONED',
  'LOCKED_OUT',
  'PASSWORD_EXPIRED',
  'RECOVERY',
];
const DAY_MS = 24 * 60 * 60 * 1000;
export const ADMIN_LOGIN = 'admin@okta-sim.example.com';

/** The org's first user (the super admin of the API token) and the Everyone group. */
export function seedFoundation(org: Org): void {
  const created = org.clock.now() - 400 * DAY_MS;
  org.directory.addGroup({
    id: org.newId('00g'),
    type: 'BUILT_IN',
    created,
    lastUpdated: created,
    lastMembershipUpdated: created,
    profile: { name: 'Everyone', description: 'All users in your organization' },
  });
  org.directory.addUser({
    id: org.adminUserId,
    status: 'ACTIVE',
    created,
    activated: created,
    statusChanged: created,
    lastLogin: org.clock.now() - DAY_MS,
    lastUpdated: created,
    passwordChanged: created,
    typeId: DEFAULT_USER_TYPE_ID,
    profile: {
      firstName: 'Sim',
      lastName: 'Admin',
      email: ADMIN_LOGIN,
      login: ADMIN_LOGIN,
      mobilePhone: null,
      secondEmail: null,
    },
    password: 'Sim-Admin-Passw0rd!',
    recoveryQuestion: { question: 'What is the name of the simulator?', answer: 'okta-sim' },
    provider: { type: 'OKTA', name: 'OKTA' },
  });
}

/** Adds users, groups, apps and sign-ins to an org; returns the users added. */
export function seedOrg(org: Org, size: SeedSize): UserRecord[] {
  const { random, directory } = org;
  const now = org.clock.now();
  const users: UserRecord[] = [];
  const loginCounts = new Map<string, number>();
  for (let i = 0; i < (size.users ?? 0); i++) {
    const firstName = random.pick(FIRST_NAMES);
    const lastName = random.pick(LAST_NAMES);
    const base = `${firstName}.${lastName}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z.]/g, '');
    const seen = loginCounts.get(base) ?? 0;
    loginCounts.set(base, seen + 1);
    let login = `${seen === 0 ? base : `${base}${seen + 1}`}@example.com`;
    while (directory.loginOwner(login)) login = `${base}.${random.base62(4).toLowerCase()}@example.com`;
    // The first users cover every status once, so even a small org has a user to try each lifecycle call on.
    const status = i < EVERY_STATUS.length ? (EVERY_STATUS[i] as UserStatus) : random.pick(STATUS_MIX);
    const created = now - random.int(30, 365) * DAY_MS - random.int(0, DAY_MS);
    const activated = status === 'STAGED' ? null : created + random.int(1, 3600) * 1000;
    const hasPassword = status !== 'STAGED' && status !== 'PROVISIONED';
    users.push(
      directory.addUser({
        id: org.newId('00u'),
        status,
        created,
        activated,
        statusChanged: activated === null ? null : activated + random.int(0, 20) * DAY_MS,
        lastLogin: hasPassword && status !== 'DEPROVISIONED' ? now - random.int(1, 20 * 24) * 3600 * 1000 : null,
        lastUpdated: created + random.int(0, 25) * DAY_MS,
        passwordChanged: hasPassword ? created + 3600 * 1000 : null,
        typeId: DEFAULT_USER_TYPE_ID,
        profile: {
          firstName,
          lastName,
          email: login,
          login,
          mobilePhone: `+1-555-${String(random.int(100, 999))}-${String(random.int(1000, 9999))}`,
          secondEmail: null,
          department: random.pick(DEPARTMENTS),
          title: random.pick(TITLES),
          city: random.pick(CITIES),
          employeeNumber: String(1000 + i),
        },
        ...(hasPassword ? { password: 'Passw0rd!' } : {}),
        ...(random.next() < 0.7
          ? { recoveryQuestion: { question: 'What is the food you least liked as a child?', answer: 'spinach' } }
          : {}),
        provider: { type: 'OKTA', name: 'OKTA' },
      }),
    );
  }

  const apps = APPS.slice(0, Math.min(size.apps ?? 0, APPS.length)).map((template) =>
    directory.addApp({
      id: org.newId('0oa'),
      ...template,
      status: 'ACTIVE',
      created: now - 500 * DAY_MS,
      lastUpdated: now - 100 * DAY_MS,
    }),
  );
  const groups: GroupRecord[] = [];
  for (let i = 0; i < (size.groups ?? 0); i++) {
    const name =
      DEPARTMENTS[i % DEPARTMENTS.length] +
      (i >= DEPARTMENTS.length ? ` ${Math.floor(i / DEPARTMENTS.length) + 1}` : '');
    const app = apps[1];
    // The last seeded group is imported from an app when there is one: an APP_GROUP nobody may edit by API.
    const fromApp = i === (size.groups ?? 0) - 1 && i > 0 && app !== undefined;
    groups.push(
      directory.addGroup({
        id: org.newId('00g'),
        type: fromApp ? 'APP_GROUP' : 'OKTA_GROUP',
        created: now - 300 * DAY_MS,
        lastUpdated: now - 30 * DAY_MS,
        lastMembershipUpdated: now - DAY_MS,
        profile: fromApp
          ? { name: `${app.label} Users`, description: `Imported from ${app.label}` }
          : { name, description: `${name} department` },
        ...(fromApp ? { sourceAppId: app.id } : {}),
      }),
    );
  }
  for (const user of users) {
    if (groups.length === 0) break;
    const group = groups[user.seq % groups.length];
    if (group) directory.addMember(group.id, user.id, user.created);
    if (random.next() < 0.3) directory.addMember(random.pick(groups).id, user.id, user.created);
  }
  apps.forEach((app, index) => {
    const group = groups[index % Math.max(1, groups.length)];
    if (group && index % 2 === 0) app.groups.set(group.id, { id: group.id, priority: 0 });
    for (const user of users) {
      if (random.next() < 0.25)
        app.users.set(user.id, { id: org.newId('0ua'), created: user.created, userName: String(user.profile.login) });
    }
  });

  if (size.signInDays && size.signInDays > 0) {
    const perDay = Math.min(Math.max(users.length * 2, 10), 5000);
    generateSignIns(org, {
      count: perDay * size.signInDays,
      since: now - size.signInDays * DAY_MS,
      until: now,
      asHistory: true,
    });
  }
  return users;
}

/** The size a seed option stands for. */
export function seedSize(option: SeedOption | undefined): SeedSize {
  if (option === undefined || option === 'realistic') return REALISTIC_SEED;
  if (option === 'empty') return {};
  return option;
}
