/**
 * The real wire for the foundation's integration tests: the simulated Okta org over HTTP and the local AWS
 * endpoints (Secrets Manager, dynalite), with the connector's settings pointing at them as `npm start` does.
 */
import type { OktaSim, StartOktaSimOptions } from '../../../local/okta-sim/index.js';
import { createLocalRuntime, type LocalRuntime } from '../../../local/runtime.js';
import { startWorld, type World } from '../../support/world.js';

export const TABLE_NAME = 'okta-connector-it';

export type Sandbox = World;

export async function startSandbox(simOptions: StartOktaSimOptions = {}): Promise<Sandbox> {
  return startWorld({
    sim: { seed: { users: 12, groups: 2, apps: 1 }, ...simOptions },
    table: TABLE_NAME,
    connections: {},
  });
}

/** Counts the requests the org received, by path prefix. */
export function countRequests(sim: OktaSim) {
  const paths: string[] = [];
  const stop = sim.observe((req) => {
    paths.push(req.path);
  });
  return {
    stop,
    token: () => paths.filter((p) => p === '/oauth2/v1/token').length,
    api: () => paths.filter((p) => p.startsWith('/api/v1')).length,
  };
}

/** The isolated local runtime (a child process per container) with this world's endpoints and table. */
export function localRuntimeFor(sandbox: Sandbox): LocalRuntime {
  return createLocalRuntime({
    env: {
      ...sandbox.aws.env(),
      TABLE_NAME,
      ALLOW_INSECURE_LOCAL_OKTA: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
  });
}
