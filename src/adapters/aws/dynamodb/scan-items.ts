import { DynamoDBClient, ScanCommand, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/**
 * Every item of a table as DynamoDB returns it (attribute-value maps, the
 * shape of a stream image), page by page with a consistent read.
 *
 * @example
 * for await (const item of scanItems('wildrydes-dev-curationDetails', { region: 'eu-west-1' })) console.log(item);
 */
export async function* scanItems(tableName: string, clientConfig: DynamoDBClientConfig = {}): AsyncGenerator<Record<string, unknown>> {
  const client = new DynamoDBClient(clientConfig);
  try {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(ExclusiveStartKey ? { ExclusiveStartKey: ExclusiveStartKey as never } : {}) }),
      );
      for (const item of page.Items ?? []) yield item as Record<string, unknown>;
      ExclusiveStartKey = page.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (ExclusiveStartKey);
  } finally {
    client.destroy();
  }
}
