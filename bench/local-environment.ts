/**
 * The AWS side of every measurement: the project's local endpoints (Secrets Manager, EventBridge, dynalite), one
 * connection secret pointing at the simulated org, the table, and the environment a function process gets. The
 * connector and the SDK peers read the same secret from the same endpoint.
 */
import { startLocalAws, type LocalAws } from '../local/aws/index.js';
import { OAUTH_CONNECTION } from './action-inputs.js';

export interface BenchEnvironment {
  aws: LocalAws;
  tableName: string;
  hookSecret: string;
  /** The environment of a function process (as the stack sets it, pointed at the local endpoints). */
  functionEnv(connection?: string): Record<string, string>;
  /** Points a connection (`default` unless named) at an org. */
  useOrg(orgUrl: string, apiToken: string, connection?: string): void;
  close(): Promise<void>;
}

export const CONNECTION_NAME = 'default';
export const SECRET_PREFIX = 'okta-connector/';

export async function startBenchEnvironment(): Promise<BenchEnvironment> {
  const aws = await startLocalAws();
  const tableName = 'okta-connector-bench';
  const hookSecret = 'bench-event-hook-secret-0123456789';
  await aws.createTable(tableName);
  let hookOrgUrl: string | undefined;
  return {
    aws,
    tableName,
    hookSecret,
    functionEnv: (connection = CONNECTION_NAME) => ({
      ...aws.env(),
      CONNECTION_SECRET_PREFIX: SECRET_PREFIX,
      DEFAULT_CONNECTION: connection,
      TABLE_NAME: tableName,
      EVENT_BUS_NAME: 'default',
      // The stack always sets the consent's callback URL (infra/okta-connector.ts).
      OAUTH_REDIRECT_URI: 'https://bench.execute-api.us-east-1.amazonaws.com/v1/oauth/callback',
      ALLOW_INSECURE_LOCAL_OKTA: 'true',
      POWERTOOLS_SERVICE_NAME: 'okta-connector',
      POWERTOOLS_METRICS_NAMESPACE: 'OktaConnector',
      // As the stack sets it: no source maps unless the deployer turns them on (infra/connector-function.ts); empty,
      // so that the bench's own NODE_OPTIONS never reaches a measured process.
      NODE_OPTIONS: '',
      // Read by the probes' hookDelivery (sample-events.ts), never by the functions.
      ...(hookOrgUrl ? { BENCH_HOOK_ORG_URL: hookOrgUrl } : {}),
    }),
    useOrg(orgUrl, apiToken, connection = CONNECTION_NAME) {
      hookOrgUrl = orgUrl;
      process.env.BENCH_HOOK_ORG_URL = orgUrl;
      aws.secrets.put(`${SECRET_PREFIX}${connection}`, {
        domain: orgUrl,
        auth: { type: 'api-token', token: apiToken },
      });
      aws.secrets.put(`${SECRET_PREFIX}${connection}/event-hook`, { eventHookSecret: hookSecret });
      // The OAuth consent functions need an authorization-code connection to start a consent for.
      aws.secrets.put(`${SECRET_PREFIX}${OAUTH_CONNECTION}`, {
        domain: orgUrl,
        auth: {
          type: 'authorization-code',
          clientId: '0oabenchconsentclient',
          clientSecret: 'bench-client-secret',
          scopes: ['okta.users.read'],
        },
      });
    },
    close: () => aws.close(),
  };
}
