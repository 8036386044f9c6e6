/**
 * What the measurements share in one run: options, the local AWS endpoints, the bundles (built once), the probe
 * scripts, and the simulated org most measurements call (in its own process), with a sample of its ids.
 */
import { resolve } from 'node:path';
import { sampleOrg, type OrgSample } from './action-inputs.js';
import { bundleFunction, bundleProbe, type Bundle } from './bundles.js';
import { connectorFunctions, peers, type ConnectorFunction } from './connector-parts.js';
import { startBenchEnvironment, type BenchEnvironment } from './local-environment.js';
import { startSimProcess, type SimProcess } from './sim-process.js';

export const probeEntries = {
  coldStart: 'bench/probes/cold-start.ts',
  warmLatency: 'bench/probes/warm-latency.ts',
  paging: 'bench/probes/paging.ts',
  eventHookIngest: 'bench/probes/event-hook-ingest.ts',
} as const;

export type ProbeName = keyof typeof probeEntries;

/** The size of the org the paging measurement lists. */
export const PAGING_ORG_USERS = 20_000;

/** The org most measurements use: enough users that every changing action has its own. */
export const mainOrgSeed = { users: 300, groups: 8, apps: 4, signInDays: 1 };

/**
 * Limits high enough that no bucket ever gets near the connector's reserve: past it the connector paces its calls
 * (as it should, to leave the org's other apps their share), which would make these measurements measure the limit.
 */
export const unlimited = Object.fromEntries(
  ['logs', 'users', 'user-get', 'user-write', 'groups', 'group', 'apps', 'app', 'other'].map((bucket) => [
    bucket,
    1_000_000,
  ]),
);

export interface BenchContext {
  quick: boolean;
  repoRoot: string;
  /** Keeps what a run creates (logins) apart from earlier runs. */
  runTag: string;
  env: BenchEnvironment;
  functions: ConnectorFunction[];
  probe(name: ProbeName): Promise<string>;
  /** The connector function's bundle; undefined when its entry does not exist. */
  connectorBundle(name: string): Promise<Bundle | undefined>;
  peerBundle(name: string): Promise<Bundle | undefined>;
  mainSim(): Promise<{ sim: SimProcess; sample: OrgSample }>;
  /** The 20,000-user org, as connection `paging`. */
  pagingSim(): Promise<{ sim: SimProcess; everyoneGroupId: string }>;
  close(): Promise<void>;
}

export async function createBenchContext(quick: boolean): Promise<BenchContext> {
  const env = await startBenchEnvironment();
  const functions = await connectorFunctions();
  const bundles = new Map<string, Promise<Bundle | undefined>>();
  const probes = new Map<string, Promise<string>>();
  const sims: SimProcess[] = [];
  let main: Promise<{ sim: SimProcess; sample: OrgSample }> | undefined;
  let paging: Promise<{ sim: SimProcess; everyoneGroupId: string }> | undefined;

  const cachedBundle = (key: string, entry: string | undefined) => {
    if (!entry) return Promise.resolve(undefined);
    let bundle = bundles.get(key);
    if (!bundle) {
      bundle = bundleFunction(entry, key.replace(':', '-'));
      bundles.set(key, bundle);
    }
    return bundle;
  };

  return {
    quick,
    repoRoot: resolve('.'),
    runTag: Date.now().toString(36),
    env,
    functions,
    probe(name) {
      let probe = probes.get(name);
      if (!probe) {
        probe = bundleProbe(probeEntries[name], name);
        probes.set(name, probe);
      }
      return probe;
    },
    connectorBundle(name) {
      const fn = functions.find((f) => f.name === name);
      return cachedBundle(`connector:${name}`, fn?.exists ? fn.entry : undefined);
    },
    peerBundle: (name) => cachedBundle(`peer:${name}`, peers[name]),
    mainSim() {
      main ??= (async () => {
        const sim = await startSimProcess({ seed: mainOrgSeed, rateLimits: unlimited });
        sims.push(sim);
        env.useOrg(sim.url, sim.apiToken);
        return { sim, sample: await sampleOrg(sim.url, sim.apiToken) };
      })();
      return main;
    },
    pagingSim() {
      paging ??= (async () => {
        const sim = await startSimProcess({
          seed: { users: PAGING_ORG_USERS, groups: 2, apps: 1, signInDays: 0 },
          rateLimits: unlimited,
        });
        sims.push(sim);
        env.useOrg(sim.url, sim.apiToken, 'paging');
        return { sim, everyoneGroupId: await everyoneGroupId(sim.url, sim.apiToken) };
      })();
      return paging;
    },
    async close() {
      await Promise.all(sims.map((s) => s.stop()));
      await env.close();
    },
  };
}

async function everyoneGroupId(orgUrl: string, apiToken: string): Promise<string> {
  const response = await fetch(`${orgUrl}/api/v1/groups?q=Everyone`, {
    headers: { authorization: `SSWS ${apiToken}`, accept: 'application/json' },
  });
  const groups = (await response.json()) as Array<{ id: string; type: string }>;
  const everyone = groups.find((g) => g.type === 'BUILT_IN');
  if (!everyone) throw new Error('the paging org has no Everyone group');
  return everyone.id;
}
