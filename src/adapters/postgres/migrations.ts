/** One schema change; `version` numbers start at 1 and increase by 1. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** One or more statements, run in the migration transaction with search_path set to the schema. */
  readonly sql: string;
}

/**
 * The PostgreSQL schema, in order. Append only: a released migration is never
 * edited, a change is a new entry. Statements are unqualified: they land in
 * the store's schema (search_path). `schema.sql` beside this file is the
 * resulting schema, for review.
 *
 * Keys that are sorted or compared (curation types, execution names) use the
 * "C" collation, so order is byte order whatever the database's locale;
 * instants that claims and leases compare are timestamptz or epoch ms.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'curations, runs, history, object attributes',
    sql: `
CREATE TABLE curations (
  curation_type text COLLATE "C" PRIMARY KEY,
  definition    jsonb NOT NULL,
  version       integer NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);

CREATE TABLE runs (
  execution_name text COLLATE "C" PRIMARY KEY,
  curation_type  text COLLATE "C" NOT NULL,
  status         text NOT NULL,
  step           text NOT NULL,
  "trigger"      text NOT NULL,
  scheduled_time timestamptz,
  attempt        integer NOT NULL,
  created_at     timestamptz NOT NULL,
  started_at     timestamptz,
  updated_at     timestamptz NOT NULL,
  lease_owner    text,
  lease_until    timestamptz,
  parameters     jsonb,
  context        jsonb NOT NULL
);
-- Runs are kept after they end; the indexes that claims walk hold active runs only, so they stay small.
CREATE INDEX runs_claim_order ON runs (status, created_at, execution_name) WHERE status IN ('queued', 'running');
CREATE INDEX runs_active_by_curation ON runs (curation_type, created_at, execution_name) WHERE status IN ('queued', 'running');

-- (curation_type, timestamp) is unique, so it also serves newest-first pages of one curation.
CREATE TABLE history (
  curation_type  text COLLATE "C" NOT NULL,
  "timestamp"    bigint NOT NULL,
  execution_name text COLLATE "C" NOT NULL UNIQUE,
  status         text NOT NULL,
  scheduled_time timestamptz,
  record         jsonb NOT NULL,
  PRIMARY KEY (curation_type, "timestamp")
);
CREATE INDEX history_newest ON history ("timestamp", execution_name);
CREATE INDEX history_by_status ON history (status, "timestamp", execution_name);
CREATE INDEX history_by_curation_status ON history (curation_type, status, "timestamp", execution_name);
CREATE INDEX history_by_scheduled_time ON history (curation_type, scheduled_time) WHERE scheduled_time IS NOT NULL;

CREATE TABLE object_attributes (
  bucket   text NOT NULL,
  key      text NOT NULL,
  metadata jsonb NOT NULL,
  tags     jsonb NOT NULL,
  PRIMARY KEY (bucket, key)
);
`,
  },
  {
    version: 2,
    name: 'schedule ticks and cursors, run leases and cancel requests, workers, curation change log, wake notifications',
    sql: `
-- A tick is claimed once: the primary key refuses a second claim, and the
-- cursor (which only moves forward) refuses ticks someone already passed.
CREATE TABLE schedule_ticks (
  curation_type  text COLLATE "C" NOT NULL,
  scheduled_time timestamptz NOT NULL,
  execution_name text NOT NULL,
  outcome        text NOT NULL CHECK (outcome IN ('run', 'skipped')),
  claimed_by     text NOT NULL,
  claimed_at     timestamptz NOT NULL,
  PRIMARY KEY (curation_type, scheduled_time)
);
CREATE INDEX schedule_ticks_by_claimed ON schedule_ticks (claimed_at);

CREATE TABLE schedule_cursors (
  curation_type text COLLATE "C" PRIMARY KEY,
  last_tick     timestamptz NOT NULL
);

-- Leases live apart from runs: the engine saves whole run rows, so a lease
-- kept in the runs row would be overwritten by the next step's save.
-- A released lease is expired ('-infinity'), not deleted, so its claim count survives.
CREATE TABLE run_leases (
  execution_name text COLLATE "C" PRIMARY KEY,
  owner          text NOT NULL,
  lease_until    timestamptz NOT NULL,
  claims         integer NOT NULL,
  previous_owner text
);
-- Counts live leases for the global cap (LeaseRequest.maxActive).
CREATE INDEX run_leases_by_until ON run_leases (lease_until);

CREATE TABLE run_cancel_requests (
  execution_name text COLLATE "C" PRIMARY KEY,
  reason         text NOT NULL,
  requested_at   timestamptz NOT NULL
);

CREATE TABLE workers (
  worker_id    text COLLATE "C" PRIMARY KEY,
  host         text NOT NULL,
  pid          integer NOT NULL,
  started_at   timestamptz NOT NULL,
  heartbeat_at timestamptz NOT NULL,
  url          text
);

-- Every put or delete of a curation appends its type, so a scheduler learns
-- what changed with one indexed read. Numbers come from a one-row counter
-- rather than a sequence: the counter's row lock makes writers take numbers
-- in commit order, so a reader that saw number n has seen every change up to n.
CREATE TABLE curation_change_counter (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  seq       bigint NOT NULL
);
INSERT INTO curation_change_counter (seq) VALUES (0);
CREATE TABLE curation_changes (
  seq           bigint PRIMARY KEY,
  curation_type text COLLATE "C" NOT NULL
);
CREATE FUNCTION record_curation_change() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  next_seq bigint;
BEGIN
  UPDATE curation_change_counter SET seq = seq + 1 RETURNING seq INTO next_seq;
  INSERT INTO curation_changes (seq, curation_type)
  VALUES (next_seq, CASE WHEN TG_OP = 'DELETE' THEN OLD.curation_type ELSE NEW.curation_type END);
  RETURN NULL;
END
$$;
CREATE TRIGGER curations_changed AFTER INSERT OR UPDATE OR DELETE ON curations
  FOR EACH ROW EXECUTE FUNCTION record_curation_change();

-- Wakes idle workers of this schema (LISTEN "<schema>.wake"): the payload is
-- the topic. Notifications are sent at commit, once per topic and transaction.
CREATE FUNCTION notify_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(left(TG_TABLE_SCHEMA, 58) || '.wake', TG_ARGV[0]);
  RETURN NULL;
END
$$;
CREATE TRIGGER runs_wake AFTER INSERT ON runs FOR EACH ROW EXECUTE FUNCTION notify_wake('runs');
CREATE TRIGGER curations_wake AFTER INSERT OR UPDATE OR DELETE ON curations FOR EACH ROW EXECUTE FUNCTION notify_wake('curations');
`,
  },
  {
    version: 3,
    name: 'outbox, delivery groups, incidents',
    sql: `
-- Written in the same transaction as the history record an entry comes from.
-- seq is the delivery order (and the sink's @SequenceNumber); times that are
-- compared on every claim are epoch ms.
CREATE TABLE outbox (
  seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id              text NOT NULL UNIQUE,
  destination_id  text COLLATE "C" NOT NULL,
  destination     jsonb NOT NULL,
  curation_type   text COLLATE "C" NOT NULL,
  execution_name  text,
  event           text NOT NULL,
  payload         jsonb NOT NULL,
  state           text NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL,
  last_error      text,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  delivered_at    bigint
);
-- Claims walk the pending entries in seq order through this index.
CREATE INDEX outbox_by_state ON outbox (state, seq);
CREATE INDEX outbox_by_execution ON outbox (execution_name, state) WHERE execution_name IS NOT NULL;
CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE state = 'delivered';

-- One row per destination and curation, written with the group's first
-- entry: entries of a group go out in order, claimed by one dispatcher at a
-- time (the claim locks the row, SKIP LOCKED), and wait together after a failure.
CREATE TABLE outbox_groups (
  destination_id text COLLATE "C" NOT NULL,
  curation_type  text COLLATE "C" NOT NULL,
  not_before     bigint NOT NULL DEFAULT 0,
  lease_owner    text,
  lease_until    bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (destination_id, curation_type)
);

-- Open incidents (a run of failures, a long run, a missed tick, staleness)
-- and when each destination was last alerted about them.
CREATE TABLE incidents (
  curation_type text COLLATE "C" NOT NULL,
  kind          text COLLATE "C" NOT NULL,
  subject       text COLLATE "C" NOT NULL,
  opened_at     timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  occurrences   integer NOT NULL,
  alerts        jsonb NOT NULL,
  PRIMARY KEY (curation_type, kind, subject)
);
`,
  },
  {
    version: 4,
    name: 'outbox entries keep the destination id and type, never its settings',
    sql: `
-- Older entries held the whole destination, secrets included; now its
-- settings are looked up by id in the config at delivery. The id column
-- already holds the id, so rows keep their delivery order and groups.
ALTER TABLE outbox ADD COLUMN destination_type text;
UPDATE outbox SET destination_type = coalesce(destination->>'type', '');
ALTER TABLE outbox ALTER COLUMN destination_type SET NOT NULL;
ALTER TABLE outbox DROP COLUMN destination;
-- A dropped column stays in each row until the row is written again:
-- rewrite them, so the live rows no longer carry the old settings.
UPDATE outbox SET destination_type = destination_type;
`,
  },
  {
    version: 5,
    name: 'history timeline: start minute, scheduled time, duration and its band as columns, an index by start',
    sql: `
-- The timeline groups the runs that started in a window by minute, status and
-- duration band: the index leads with the start minute, so a window is one
-- range of one index. The band is durationBand() of domain/timeline.ts,
-- written by the insert; the CASE below only fills the records stored before.
ALTER TABLE history ADD COLUMN started_ms bigint;
ALTER TABLE history ADD COLUMN started_minute bigint;
ALTER TABLE history ADD COLUMN scheduled_ms bigint;
ALTER TABLE history ADD COLUMN duration_ms bigint;
ALTER TABLE history ADD COLUMN duration_band smallint;
UPDATE history SET
  started_ms = round(extract(epoch FROM (record->>'startedAt')::timestamptz) * 1000)::bigint,
  scheduled_ms = round(extract(epoch FROM scheduled_time) * 1000)::bigint,
  duration_ms = greatest(0, round(coalesce((record->>'durationMs')::numeric, 0)))::bigint;
UPDATE history SET started_ms = "timestamp" - duration_ms WHERE started_ms IS NULL;
UPDATE history SET started_minute = started_ms / 60000, duration_band = CASE WHEN duration_ms < 10 THEN 0 WHEN duration_ms < 100 THEN 1 WHEN duration_ms < 1000 THEN 2 WHEN duration_ms < 10000 THEN 3 WHEN duration_ms < 100000 THEN 4 WHEN duration_ms < 1000000 THEN 5 WHEN duration_ms < 10000000 THEN 6 ELSE 7 END;
CREATE INDEX history_timeline ON history (started_minute, status, duration_band) INCLUDE (duration_ms, started_ms, scheduled_ms, curation_type, execution_name);
`,
  },
];
