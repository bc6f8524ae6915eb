/** One schema change; `version` numbers start at 1 and increase by 1. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** One or more statements, run in the migration transaction. */
  readonly sql: string;
}

/**
 * The state database's schema, in order. Append only: a released migration is
 * never edited, a change is a new entry. Kept as strings so they ship in the
 * build; `schema.sql` beside this file is the resulting schema, for review.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'curations, runs, history, object attributes',
    sql: `
CREATE TABLE curations (
  curation_type TEXT PRIMARY KEY,
  definition    TEXT NOT NULL CHECK (json_valid(definition)),
  version       INTEGER NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE runs (
  execution_name TEXT PRIMARY KEY,
  curation_type  TEXT NOT NULL,
  status         TEXT NOT NULL,
  step           TEXT NOT NULL,
  "trigger"      TEXT NOT NULL,
  scheduled_time TEXT,
  attempt        INTEGER NOT NULL,
  created_at     TEXT NOT NULL,
  started_at     TEXT,
  updated_at     TEXT NOT NULL,
  lease_owner    TEXT,
  lease_until    TEXT,
  parameters     TEXT CHECK (parameters IS NULL OR json_valid(parameters)),
  context        TEXT NOT NULL CHECK (json_valid(context))
) STRICT;
CREATE INDEX runs_by_status ON runs (status, created_at);

-- The primary key also serves newest-first listing of one curation:
-- (curation_type, timestamp) is unique, so no tie-break column is needed.
CREATE TABLE history (
  curation_type  TEXT NOT NULL,
  timestamp      INTEGER NOT NULL,
  execution_name TEXT NOT NULL UNIQUE,
  status         TEXT NOT NULL,
  record         TEXT NOT NULL CHECK (json_valid(record)),
  PRIMARY KEY (curation_type, timestamp)
) STRICT;
CREATE INDEX history_newest ON history (timestamp, execution_name);
CREATE INDEX history_by_status ON history (status, timestamp, execution_name);
CREATE INDEX history_by_curation_status ON history (curation_type, status, timestamp, execution_name);

CREATE TABLE object_attributes (
  bucket   TEXT NOT NULL,
  key      TEXT NOT NULL,
  metadata TEXT NOT NULL CHECK (json_valid(metadata)),
  tags     TEXT NOT NULL CHECK (json_valid(tags)),
  PRIMARY KEY (bucket, key)
) STRICT;
`,
  },
];
