/**
 * The real wire for the foundation's integration tests: the simulated Okta org over HTTP and the local AWS
 * endpoints (Secrets Manager, dynalite), with the connector's settings pointing at them as `npm start` does.
 */
import { startLocalAws, type LocalAws } from '../../../local/aws/index.js';
import { startOktaSim, type OktaSim, type StartOktaSimOptions } from '../../../local/okta-sim/index.js';
import { resetAwsClients } from '../../../functions/lib/aws-clients.js';
import { resetConfig } from '../../../functions/lib/config.js';
import { clearConnectionCache } from '../../../functions/lib/connections.js';

export const TABLE_NAME = 'okta-connector-it';

export interface Sandbox {
  sim: OktaSim;
  aws: LocalAws;
  close(): Promise<void>;
}

export async function startSandbox(simOptions: StartOktaSimOptions = {}): Promise<Sandbox> {
  const [sim, aws] = await Promise.all([
    startOktaSim({ seed: { users: 12, groups: 2, apps: 1 }, ...simOptions }),
    startLocalAws(),
  ]);
  Object.assign(process.env, aws.env(), { ALLOW_INSECURE_LOCAL_OKTA: 'true', TABLE_NAME });
  resetConfig();
  resetAwsClients();
  clearConnectionCache();
  await aws.createTable(TABLE_NAME);
  return {
    sim,
    aws,
    close: async () => {
      resetAwsClients();
      await Promise.all([sim.close(), aws.close()]);
    },
  };
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
