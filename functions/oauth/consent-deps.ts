/**
 * What the three consent functions (start-consent, authorize, callback) take from outside, so a test can give its
 * own; each defaults to the deployment's: the table, the clock, the consent's settings (config.ts), the logger and
 * the metrics.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDb } from '../lib/aws-clients.js';
import { config, requireTableName, type Config } from '../lib/config.js';
import { loadConnection, readStoredSignIn, type Connection, type StoredSignIn } from '../lib/connections.js';
import { countMetric, logger as sharedLogger } from '../lib/observability.js';
import type { ConsentLogger } from './consent-pages.js';

export interface ConsentDeps {
  db?: () => DynamoDBClient;
  tableName?: () => string;
  now?: () => number;
  /**
   * The environment the consent's own settings (`OAUTH_REDIRECT_URI`, `AUTHORIZATION_CODE_CONNECTIONS`) are read
   * from, through config.ts; the function's own by default. The table and the connections always use the latter.
   */
  env?: Record<string, string | undefined>;
  logger?: ConsentLogger;
  count?: (metric: string, dimensions: Record<string, string>) => void;
}

/** The deps of a consent function that reads the connection's secret. */
export interface ConsentSignInDeps extends ConsentDeps {
  loadConnection?: (name: string) => Promise<Connection>;
  readSignIn?: (connection: Connection) => Promise<StoredSignIn>;
}

/** `deps` with the deployment's defaults filled in. */
export function consentDeps(deps: ConsentDeps) {
  const settings = (): Config => config(deps.env);
  return {
    db: deps.db ?? dynamoDb,
    tableName: deps.tableName ?? (() => requireTableName(config())),
    now: deps.now ?? Date.now,
    settings,
    logger: deps.logger ?? sharedLogger,
    count: deps.count ?? countMetric,
  };
}

/** `deps` with the deployment's defaults filled in, the connection's secret included. */
export function consentSignInDeps(deps: ConsentSignInDeps) {
  return {
    ...consentDeps(deps),
    loadConnection: deps.loadConnection ?? ((name: string) => loadConnection(name)),
    readSignIn: deps.readSignIn ?? ((connection: Connection) => readStoredSignIn(connection)),
  };
}
