import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { tableNames, type TableNames } from '../../../src/adapters/aws/dynamodb/table-layout.js';
import { tableSpecs, type KeyAttribute, type TableSpec } from '../../../src/adapters/aws/dynamodb/table-specs.js';
import type { DeployOptions } from './deploy-options.js';

/** One of the three tables, created here or kept: its name, ARN and (for the two sample tables) stream. */
export interface AdpTable {
  readonly spec: TableSpec;
  readonly table: dynamodb.ITable;
  /** The table's stream ARN when the spec asks for one. */
  readonly streamArn?: string;
  /** Whether this stack owns it (false: a kept table, referenced by name). */
  readonly created: boolean;
}

export interface AdpTablesProps {
  readonly options: DeployOptions;
  readonly key?: kms.IKey;
}

/**
 * The three tables of the aws driver, built from the driver's own
 * {@link tableSpecs} (the same list `adp migrate` creates them from), so
 * keys, indexes and streams cannot drift: on-demand billing, NEW_IMAGE
 * streams where the spec asks, point-in-time recovery, SSE with the KMS key
 * when one is given, kept on stack deletion. A kept table is referenced by
 * name (its stream ARN from the options) and left exactly as it is.
 */
export class AdpTables extends Construct {
  readonly names: TableNames;
  readonly curations: AdpTable;
  readonly history: AdpTable;
  readonly state: AdpTable;

  constructor(scope: Construct, id: string, props: AdpTablesProps) {
    super(scope, id);
    const { options } = props;
    this.names = tableNames(options.prefix);
    const [curations, history, state] = tableSpecs(this.names) as [TableSpec, TableSpec, TableSpec];
    const kept = (spec: TableSpec) => options.tables === 'keep-all' || (options.tables === 'keep-sample' && spec !== state);
    const make = (construct: string, spec: TableSpec, keptStream?: string): AdpTable =>
      kept(spec) ? this.reference(construct, spec, keptStream) : this.create(construct, spec, props.key);
    this.curations = make('CurationDetails', curations, options.curationsStreamArn);
    this.history = make('CurationHistory', history, options.historyStreamArn);
    this.state = make('AdpState', state);
  }

  /** All three, in the driver's order. */
  get all(): readonly AdpTable[] {
    return [this.curations, this.history, this.state];
  }

  private create(id: string, spec: TableSpec, key?: kms.IKey): AdpTable {
    const table = new dynamodb.Table(this, id, {
      tableName: spec.name,
      partitionKey: attribute(spec.hash),
      ...(spec.range ? { sortKey: attribute(spec.range) } : {}),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      ...(spec.stream ? { stream: dynamodb.StreamViewType.NEW_IMAGE } : {}),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(key ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key } : {}),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of spec.indexes) {
      const p = index.projection;
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.hash),
        ...(index.range ? { sortKey: attribute(index.range) } : {}),
        projectionType: dynamodb.ProjectionType[p.type],
        ...(p.type === 'INCLUDE' ? { nonKeyAttributes: [...p.attributes] } : {}),
      });
    }
    return { spec, table, created: true, ...(spec.stream ? { streamArn: table.tableStreamArn! } : {}) };
  }

  private reference(id: string, spec: TableSpec, streamArn?: string): AdpTable {
    const table = dynamodb.Table.fromTableAttributes(this, id, {
      tableName: spec.name,
      ...(streamArn ? { tableStreamArn: streamArn } : {}),
      globalIndexes: spec.indexes.map((i) => i.name),
    });
    return { spec, table, created: false, ...(streamArn ? { streamArn } : {}) };
  }
}

function attribute(a: KeyAttribute): dynamodb.Attribute {
  return { name: a.name, type: a.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER };
}
