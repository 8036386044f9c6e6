/**
 * The local DynamoDB: dynalite (DynamoDB's API over HTTP, in memory) and the connector's one table as
 * docs/ARCHITECTURE.md defines it.
 */
import { CreateTableCommand, ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { listen, type RunningServer } from './json-protocol.js';

/** dynalite's server and the calls it answered, by operation (`GetItem`, `UpdateItem`, ...). */
export interface LocalDynamoDb extends RunningServer {
  /**
   * Calls so far by operation, from every client of every process: what the connector's bookkeeping costs
   * when its functions run in containers of their own (each with its own SDK client).
   */
  calls: () => Record<string, number>;
}

/** Starts dynalite on 127.0.0.1:`port` (0 = any free port), tables ACTIVE as soon as they are created. */
export async function startDynalite(port = 0): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const calls: Record<string, number> = {};
  // Counted as the request arrives: a call the SDK retries counts each time, as AWS bills it.
  server.prependListener('request', (req) => {
    const target = req.headers['x-amz-target'];
    if (typeof target !== 'string') return;
    const operation = target.split('.')[1] ?? target;
    calls[operation] = (calls[operation] ?? 0) + 1;
  });
  return { ...(await listen(server, port)), calls: () => ({ ...calls }) };
}

/**
 * Creates the connector's table: partition key `pk` (string), no sort key, on demand. Creating it again is a
 * no-op. The TTL attribute `expiresAt` is not enabled here: dynalite does not implement `UpdateTimeToLive`
 * (nor expire items), so locally nothing expires; the deployed table enables it in infra/.
 */
export async function createConnectorTable(client: DynamoDBClient, name: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}
