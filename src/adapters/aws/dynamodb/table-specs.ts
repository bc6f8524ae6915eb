import { HISTORY_INDEX, STATE_INDEX, type TableNames } from './table-layout.js';

/** One key attribute: name and DynamoDB type. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

/** One global secondary index as adp needs it. */
export interface IndexSpec {
  readonly name: string;
  readonly hash: KeyAttribute;
  readonly range?: KeyAttribute;
  readonly projection: { readonly type: 'ALL' | 'KEYS_ONLY' } | { readonly type: 'INCLUDE'; readonly attributes: readonly string[] };
}

/** One table as adp needs it: keys, indexes, and whether a stream (NEW_IMAGE) must run on it. */
export interface TableSpec {
  readonly name: string;
  /** What it is, for messages. */
  readonly role: string;
  readonly hash: KeyAttribute;
  readonly range?: KeyAttribute;
  readonly indexes: readonly IndexSpec[];
  /** The serverless driver reacts to changes of definitions and history through DynamoDB Streams. */
  readonly stream: boolean;
}

const S = (name: string): KeyAttribute => ({ name, type: 'S' });
const N = (name: string): KeyAttribute => ({ name, type: 'N' });

/**
 * The three tables: the sample's two with the keys it created them with
 * (plus the indexes adp adds), and adp's own single table.
 */
export function tableSpecs(names: TableNames): TableSpec[] {
  return [
    { name: names.curations, role: "the sample's curation definitions", hash: S('curationType'), indexes: [], stream: true },
    {
      name: names.history,
      role: "the sample's curation history",
      hash: S('curationType'),
      range: N('timestamp'),
      indexes: [
        { name: HISTORY_INDEX.byExecutionName, hash: S('curationExecutionName'), projection: { type: 'KEYS_ONLY' } },
        { name: HISTORY_INDEX.byTime, hash: S('adpPartition'), range: S('adpTimeKey'), projection: { type: 'ALL' } },
        {
          name: HISTORY_INDEX.byScheduledTime,
          hash: S('curationType'),
          range: S('scheduledTime'),
          projection: { type: 'INCLUDE', attributes: ['status', 'curationExecutionName'] },
        },
      ],
      stream: true,
    },
    {
      name: names.state,
      role: "adp's runs, leases, schedule, outbox and incidents",
      hash: S('pk'),
      range: S('sk'),
      indexes: [
        { name: STATE_INDEX.gsi1, hash: S('g1pk'), range: S('g1sk'), projection: { type: 'ALL' } },
        { name: STATE_INDEX.gsi2, hash: S('g2pk'), range: S('g2sk'), projection: { type: 'ALL' } },
        { name: STATE_INDEX.gsi3, hash: S('g3pk'), range: S('g3sk'), projection: { type: 'ALL' } },
      ],
      stream: false,
    },
  ];
}
