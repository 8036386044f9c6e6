/**
 * The local DynamoDB: dynalite (DynamoDB's API over HTTP, in memory) and the connector's one table as
 * docs/ARCHITECTURE.md defines it.
 */
import { CreateTableCommand, ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { listen, type RunningServer } from './json-protocol.js';

/** Starts dynalite on 127.0.0.1:`port` (0 = any free port), tables ACTIVE as soon as they are created. */
export async function startDynalite(port = 0): Promise<RunningServer> {
  return listen(dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }), port);
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
