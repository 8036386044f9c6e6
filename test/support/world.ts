/**
 * The one test world of the integration and reliability tests: the simulated Okta org over HTTP and the local AWS
 * endpoints (dynalite, EventBridge, Secrets Manager) reached by the real SDK clients through `AWS_ENDPOINT_URL_*`,
 * with the connector's settings pointed at them as `npm start` points them, the connections stored in the local
 * Secrets Manager, and optionally the event hook handler served as a Function URL serves it.
 */
import { resetAwsClients } from '../../functions/lib/aws-clients.js';
import { resetConfig } from '../../functions/lib/config.js';
import { clearConnectionCache } from '../../functions/lib/connections.js';
import { clearHookSecretCache } from '../../functions/lib/hook-secrets.js';
import { startLocalAws, type LocalAws } from '../../local/aws/index.js';
import { startOktaSim, type OktaSim, type StartOktaSimOptions } from '../../local/okta-sim/index.js';
import { serveEventHook } from './serve-event-hook.js';
import { simAdmin, type SimAdmin } from './sim-admin.js';

export interface WorldOptions {
  /** The simulated org's options (its seed, rate limits, ...). */
  sim?: StartOktaSimOptions;
  /** The connector's table: created in dynalite and set as TABLE_NAME. None by default. */
  table?: string;
  /** The connector's bus, set as EVENT_BUS_NAME. The setting's default by default. */
  bus?: string;
  /**
   * The connections to store as `okta-connector/<name>`: each is the org's API-token connection with these fields
   * laid over it (`{}` for the plain one), except `eventHookSecret` and `previousEventHookSecret`, which are stored
   * as its hook secret `okta-connector/<name>/event-hook`. `{default: {}}` by default.
   */
  connections?: Record<string, Record<string, unknown>>;
  /** Other settings of the connector, set in process.env (undefined deletes one). */
  env?: Record<string, string | undefined>;
  /** Serves the event hook handler over HTTP (see `hookUrl`). */
  eventHook?: boolean;
}

export interface World {
  sim: OktaSim;
  aws: LocalAws;
  /** The org's administrator: Okta's API as the super admin and the simulator's control API. */
  admin: SimAdmin;
  /** The event hook's URL when `eventHook` was asked for. */
  hookUrl?: string;
  /** The Detail objects EventBridge accepted, oldest first. */
  published: () => Array<Record<string, unknown>>;
  close: () => Promise<void>;
}

/** Starts the world; see the file comment. */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const [sim, aws] = await Promise.all([startOktaSim(options.sim), startLocalAws()]);
  Object.assign(process.env, aws.env(), { ALLOW_INSECURE_LOCAL_OKTA: 'true' });
  if (options.table) process.env.TABLE_NAME = options.table;
  if (options.bus) process.env.EVENT_BUS_NAME = options.bus;
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetConfig();
  resetAwsClients();
  clearConnectionCache();
  clearHookSecretCache();
  if (options.table) await aws.createTable(options.table);
  for (const [name, { eventHookSecret, previousEventHookSecret, ...fields }] of Object.entries(
    options.connections ?? { default: {} },
  )) {
    aws.secrets.put(`okta-connector/${name}`, {
      domain: sim.url,
      auth: { type: 'api-token', token: sim.apiToken },
      ...fields,
    });
    // The hook fields go to the connection's own hook secret, where the connector keeps them (hook-secrets.ts).
    if (eventHookSecret !== undefined)
      aws.secrets.put(`okta-connector/${name}/event-hook`, {
        eventHookSecret,
        previousEventHookSecret,
        domain: (fields.domain as string | undefined) ?? sim.url,
      });
  }
  const receiver = options.eventHook ? await serveEventHook() : undefined;
  return {
    sim,
    aws,
    admin: simAdmin(sim),
    hookUrl: receiver?.url,
    published: () => aws.eventBridge.entries().map((entry) => JSON.parse(entry.Detail) as Record<string, unknown>),
    async close() {
      if (receiver) {
        await new Promise<void>((resolve) => {
          receiver.server.close(() => resolve());
          receiver.server.closeAllConnections();
        });
      }
      resetAwsClients();
      await Promise.all([sim.close(), aws.close()]);
    },
  };
}
