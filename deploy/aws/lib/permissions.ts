import { Arn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { AdpTable } from './tables.js';

// The statements each function's role is built from: every one names its
// resources (tables and their indexes, buckets, the workgroup, the topics).

/** Item reads and writes the state store makes (TransactWriteItems is authorised per item as Put/Update/Delete/ConditionCheck). */
export const DYNAMO_READ_WRITE = [
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** Item actions on tables and (Query, Scan) their indexes. */
export function dynamoStatement(tables: readonly AdpTable[], actions: readonly string[]): iam.PolicyStatement {
  const resources = tables.flatMap((t) => [t.table.tableArn, ...(t.spec.indexes.length > 0 ? [`${t.table.tableArn}/index/*`] : [])]);
  return new iam.PolicyStatement({ actions: [...actions], resources });
}

/** What a Lambda event source mapping needs to read a table's stream. */
export function streamReadStatement(streamArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
    resources: [streamArn],
  });
}

/** Athena in one workgroup: the query calls of the Athena engine. */
export function athenaStatement(scope: Construct, workGroup: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [
      'athena:StartQueryExecution',
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:GetQueryRuntimeStatistics',
      'athena:StopQueryExecution',
      'athena:GetWorkGroup',
    ],
    resources: [Arn.format({ service: 'athena', resource: 'workgroup', resourceName: workGroup }, Stack.of(scope))],
  });
}

/**
 * The Glue catalog reads of the engine and of Athena (which reads the
 * catalog with the caller's role): the account's catalog, and the named
 * databases with their tables, or every database of the account and region.
 */
export function glueStatement(scope: Construct, databases: readonly string[]): iam.PolicyStatement {
  const arn = (resource: string, resourceName?: string) => Arn.format({ service: 'glue', resource, ...(resourceName ? { resourceName } : {}) }, Stack.of(scope));
  const names = databases.length > 0 ? databases : ['*'];
  return new iam.PolicyStatement({
    actions: ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'],
    resources: [arn('catalog'), ...names.flatMap((db) => [arn('database', db), arn('table', `${db}/*`)])],
  });
}

/** Read, write, tag and delete objects of the buckets the engine writes (results, outputs). */
export function bucketWriteStatements(buckets: readonly s3.IBucket[]): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'], resources: buckets.map((b) => b.bucketArn) }),
    new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectTagging', 's3:PutObjectTagging', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: buckets.map((b) => b.arnForObjects('*')),
    }),
  ];
}

/** Read the buckets the queried tables live in. */
export function bucketReadStatements(buckets: readonly s3.IBucket[]): iam.PolicyStatement[] {
  if (buckets.length === 0) return [];
  return [
    new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: buckets.map((b) => b.bucketArn) }),
    new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: buckets.map((b) => b.arnForObjects('*')) }),
  ];
}

/** Use of the customer-managed key (SSE-KMS objects, encrypted tables, streams and topics). */
export function kmsStatement(keyArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], resources: [keyArn] });
}

/** Log writes into the function's own log group. */
export function logWriteStatement(logGroupArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroupArn] });
}
