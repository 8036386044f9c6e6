/**
 * The soak's refresh-token rotation scenario (issue 13 part 1): containers of several functions sign in with one
 * authorization-code connection whose access tokens live a second and whose refresh token rotates (Okta's 30 s
 * grace period), while the token endpoint answers 5xx now and then and containers are killed mid-renewal (after
 * Okta rotated the token, before the secret was written: the lock stays taken until its lease ends and the new
 * refresh token is lost). A killed container is replaced by a cold one, as Lambda does.
 *
 * Each container is an Okta client of its own (its own token cache) over the real wire: the simulated org, the
 * local Secrets Manager and dynalite, through the connector's default sign-in store and lease lock; the lease is
 * shortened to 3 s so that a killed holder stalls the others for seconds, not ten.
 */
import './quiet-env.js';
import { leaseLockExclusive, secretSignInStore } from '../../functions/lib/auth/authorization-code.js';
import { loadConnection } from '../../functions/lib/connections.js';
import { oktaClientFor } from '../../functions/lib/okta/client.js';
import type { OktaClient } from '../../functions/lib/okta/types.js';
import { startOktaSim } from '../../local/okta-sim/index.js';
import { rotatingApp, watchRotations } from '../support/refresh-rotation.js';
import { seededRandom } from './soak-plan.js';
import { startSoakWorld } from './soak-world.js';

export interface RotationSoakOptions {
  /** Rotations to reach (the scenario ends there, or after `maxMs`). */
  rotations: number;
  seed: number;
  /** Containers at once, spread over three functions. */
  containers?: number;
  /** Containers killed mid-renewal, one every few rotations. */
  kills?: number;
  /** Share of token requests answered 5xx. */
  tokenErrorRate?: number;
  maxMs?: number;
}

export interface RotationSoakReport {
  rotations: number;
  invalidGrants: number;
  reuse: number;
  secretVersions: number;
  /** Rotations whose refresh token was never stored (a container killed after Okta answered). */
  lostRotations: number;
  /** Refresh tokens sent again after a kill (accepted within the grace period). */
  resent: number;
  faults: { tokenEndpoint5xx: number; killedMidRenewal: number };
  calls: { ok: number; failed: number };
  /** Failures that are not the retryable ones the faults explain. */
  violations: string[];
  ms: number;
}

const FUNCTIONS = [
  { path: '/api/v1/users/me' },
  { path: '/api/v1/users', query: { limit: 1 } },
  { path: '/api/v1/groups', query: { limit: 1 } },
];
const LEASE_MS = 3_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Plays the scenario and reports what the org and the secret saw. */
export async function runRotationSoak(options: RotationSoakOptions): Promise<RotationSoakReport> {
  const started = Date.now();
  const random = seededRandom(options.seed ^ 0x0a07);
  const world = await startSoakWorld();
  const sim = await startOktaSim({
    seed: { users: 3, groups: 2, apps: 0, signInDays: 0 },
    rateLimits: false,
    randomSeed: options.seed,
  });
  try {
    const app = await rotatingApp(sim, { tokenLifetimeSeconds: 1 });
    const secretName = 'okta-connector/rotation-soak';
    world.aws.secrets.put(secretName, app.secret);
    const versionsBefore = world.aws.secrets.versionsWritten(secretName);
    const fault = sim.control.addFault({
      type: 'server-error',
      method: 'POST',
      path: '^/oauth2/v1/token$',
      status: 503,
      probability: options.tokenErrorRate ?? 0.3,
    });
    const watch = watchRotations(sim);
    const connection = await loadConnection('rotation-soak');
    const kills = { planned: options.kills ?? 2, done: 0, lost: 0 };
    const killEvery = Math.max(2, Math.floor(options.rotations / (kills.planned + 1)));
    const calls = { ok: 0, failed: 0 };
    const violations: string[] = [];

    /** A container; `killed` settles when it is killed (at the secret write of a renewal, when one is due). */
    const newContainer = (): { okta: OktaClient; killed: Promise<'killed'> } => {
      let kill: () => void = () => undefined;
      const killed = new Promise<'killed'>((resolve) => (kill = () => resolve('killed')));
      const self = { okta: undefined as unknown as OktaClient, killed };
      const store = secretSignInStore(connection);
      self.okta = oktaClientFor(connection, {
        exclusive: leaseLockExclusive(connection.name, { leaseMs: LEASE_MS }),
        signInStore: {
          read: store.read,
          write: (basedOn, signIn) => {
            const due = kills.done < kills.planned && watch.counts().rotations >= killEvery * (kills.done + 1);
            if (!due) return store.write(basedOn, signIn);
            // Killed between Okta's answer and the write: nothing after this runs, the lock is never released.
            kills.done += 1;
            kills.lost += 1;
            kill();
            return new Promise<void>(() => undefined);
          },
        },
      });
      return self;
    };

    const until = started + (options.maxMs ?? 120_000);
    const worker = async (fn: (typeof FUNCTIONS)[number]) => {
      let container = newContainer();
      while (watch.counts().rotations < options.rotations && Date.now() < until) {
        const call = container.okta.request({ method: 'GET', path: fn.path, query: fn.query });
        // A killed container never answers; the worker moves on to a cold one, as the next invocation would.
        const outcome = await Promise.race([
          call.then(
            () => 'ok' as const,
            (error: unknown) => error,
          ),
          container.killed,
        ]);
        if (outcome === 'killed') {
          container = newContainer();
          continue;
        }
        if (outcome === 'ok') calls.ok += 1;
        else {
          calls.failed += 1;
          const error = outcome as Error;
          // Retryable outcomes of the faults: Okta's 5xx three times over, or the lock held by a killed container.
          if (error?.name !== 'OktaUnavailable') violations.push(`call failed: ${error?.name}: ${error?.message}`);
        }
        await sleep(10 + random() * 60);
      }
    };
    const count = options.containers ?? 9;
    await Promise.all(Array.from({ length: count }, (_, i) => worker(FUNCTIONS[i % FUNCTIONS.length]!)));
    watch.stop();

    const counts = watch.counts();
    const secretVersions = world.aws.secrets.versionsWritten(secretName) - versionsBefore;
    if (counts.rotations < options.rotations)
      violations.push(`only ${counts.rotations} of ${options.rotations} rotations`);
    if (counts.invalidGrants > 0) violations.push(`${counts.invalidGrants} invalid_grant answers`);
    if (counts.reuseEvents > 0) violations.push(`${counts.reuseEvents} reuse events at the org`);
    if (secretVersions !== counts.rotations - kills.lost)
      violations.push(
        `${secretVersions} secret versions for ${counts.rotations} rotations (${kills.lost} never stored)`,
      );
    return {
      rotations: counts.rotations,
      invalidGrants: counts.invalidGrants,
      reuse: counts.reuseEvents,
      secretVersions,
      lostRotations: kills.lost,
      resent: counts.resent,
      faults: {
        tokenEndpoint5xx: sim.control.faults().find((f) => f.id === fault.id)?.fired ?? 0,
        killedMidRenewal: kills.done,
      },
      calls,
      violations,
      ms: Date.now() - started,
    };
  } finally {
    await sim.close();
    await world.close();
  }
}

/** The report's lines, as `npm run soak` prints them. */
export function rotationLines(r: RotationSoakReport): string[] {
  return [
    `refresh rotations: ${r.rotations}, invalid_grant: ${r.invalidGrants}, reuse: ${r.reuse}`,
    `  secret versions written: ${r.secretVersions} (${r.lostRotations} rotations never stored: their container was killed mid-renewal)`,
    `  faults: token endpoint 5xx ${r.faults.tokenEndpoint5xx}, containers killed mid-renewal ${r.faults.killedMidRenewal}; refresh tokens sent again within the grace period: ${r.resent}`,
    `  calls: ${r.calls.ok + r.calls.failed} (${r.calls.failed} retryable OktaUnavailable), ${(r.ms / 1000).toFixed(1)} s`,
    `  violations: ${r.violations.length}`,
    ...r.violations.map((v) => `    ${v}`),
  ];
}
