-- Generated from MIGRATIONS (version 5); do not edit.
-- Regenerate: ADP_WRITE_SCHEMA=1 npx vitest run src/adapters/postgres/migrations.test.ts

CREATE TABLE curation_change_counter (
  singleton boolean NOT NULL DEFAULT true,
  seq bigint NOT NULL,
  CONSTRAINT curation_change_counter_pkey PRIMARY KEY (singleton),
  CONSTRAINT curation_change_counter_singleton_check CHECK (singleton)
);

CREATE TABLE curation_changes (
  seq bigint NOT NULL,
  curation_type text COLLATE "C" NOT NULL,
  CONSTRAINT curation_changes_pkey PRIMARY KEY (seq)
);

CREATE TABLE curations (
  curation_type text COLLATE "C" NOT NULL,
  definition jsonb NOT NULL,
  version integer NOT NULL,
  created_at timestamp with time zone NOT NULL,
  updated_at timestamp with time zone NOT NULL,
  CONSTRAINT curations_pkey PRIMARY KEY (curation_type)
);

CREATE TABLE history (
  curation_type text COLLATE "C" NOT NULL,
  "timestamp" bigint NOT NULL,
  execution_name text COLLATE "C" NOT NULL,
  status text NOT NULL,
  scheduled_time timestamp with time zone,
  record jsonb NOT NULL,
  started_ms bigint,
  started_minute bigint,
  scheduled_ms bigint,
  duration_ms bigint,
  duration_band smallint,
  CONSTRAINT history_execution_name_key UNIQUE (execution_name),
  CONSTRAINT history_pkey PRIMARY KEY (curation_type, "timestamp")
);

CREATE TABLE incidents (
  curation_type text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL,
  subject text COLLATE "C" NOT NULL,
  opened_at timestamp with time zone NOT NULL,
  updated_at timestamp with time zone NOT NULL,
  occurrences integer NOT NULL,
  alerts jsonb NOT NULL,
  CONSTRAINT incidents_pkey PRIMARY KEY (curation_type, kind, subject)
);

CREATE TABLE object_attributes (
  bucket text NOT NULL,
  key text NOT NULL,
  metadata jsonb NOT NULL,
  tags jsonb NOT NULL,
  CONSTRAINT object_attributes_pkey PRIMARY KEY (bucket, key)
);

CREATE TABLE outbox (
  seq bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
  id text NOT NULL,
  destination_id text COLLATE "C" NOT NULL,
  curation_type text COLLATE "C" NOT NULL,
  execution_name text,
  event text NOT NULL,
  payload jsonb NOT NULL,
  state text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL,
  last_error text,
  created_at timestamp with time zone NOT NULL,
  updated_at timestamp with time zone NOT NULL,
  delivered_at bigint,
  destination_type text NOT NULL,
  CONSTRAINT outbox_id_key UNIQUE (id),
  CONSTRAINT outbox_pkey PRIMARY KEY (seq),
  CONSTRAINT outbox_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'delivered'::text, 'dead'::text])))
);

CREATE TABLE outbox_groups (
  destination_id text COLLATE "C" NOT NULL,
  curation_type text COLLATE "C" NOT NULL,
  not_before bigint NOT NULL DEFAULT 0,
  lease_owner text,
  lease_until bigint NOT NULL DEFAULT 0,
  CONSTRAINT outbox_groups_pkey PRIMARY KEY (destination_id, curation_type)
);

CREATE TABLE run_cancel_requests (
  execution_name text COLLATE "C" NOT NULL,
  reason text NOT NULL,
  requested_at timestamp with time zone NOT NULL,
  CONSTRAINT run_cancel_requests_pkey PRIMARY KEY (execution_name)
);

CREATE TABLE run_leases (
  execution_name text COLLATE "C" NOT NULL,
  owner text NOT NULL,
  lease_until timestamp with time zone NOT NULL,
  claims integer NOT NULL,
  previous_owner text,
  CONSTRAINT run_leases_pkey PRIMARY KEY (execution_name)
);

CREATE TABLE runs (
  execution_name text COLLATE "C" NOT NULL,
  curation_type text COLLATE "C" NOT NULL,
  status text NOT NULL,
  step text NOT NULL,
  trigger text NOT NULL,
  scheduled_time timestamp with time zone,
  attempt integer NOT NULL,
  created_at timestamp with time zone NOT NULL,
  started_at timestamp with time zone,
  updated_at timestamp with time zone NOT NULL,
  lease_owner text,
  lease_until timestamp with time zone,
  parameters jsonb,
  context jsonb NOT NULL,
  CONSTRAINT runs_pkey PRIMARY KEY (execution_name)
);

CREATE TABLE schedule_cursors (
  curation_type text COLLATE "C" NOT NULL,
  last_tick timestamp with time zone NOT NULL,
  CONSTRAINT schedule_cursors_pkey PRIMARY KEY (curation_type)
);

CREATE TABLE schedule_ticks (
  curation_type text COLLATE "C" NOT NULL,
  scheduled_time timestamp with time zone NOT NULL,
  execution_name text NOT NULL,
  outcome text NOT NULL,
  claimed_by text NOT NULL,
  claimed_at timestamp with time zone NOT NULL,
  CONSTRAINT schedule_ticks_outcome_check CHECK ((outcome = ANY (ARRAY['run'::text, 'skipped'::text]))),
  CONSTRAINT schedule_ticks_pkey PRIMARY KEY (curation_type, scheduled_time)
);

CREATE TABLE schema_migrations (
  version integer NOT NULL,
  name text NOT NULL,
  applied_at timestamp with time zone NOT NULL,
  CONSTRAINT schema_migrations_pkey PRIMARY KEY (version)
);

CREATE TABLE workers (
  worker_id text COLLATE "C" NOT NULL,
  host text NOT NULL,
  pid integer NOT NULL,
  started_at timestamp with time zone NOT NULL,
  heartbeat_at timestamp with time zone NOT NULL,
  url text,
  CONSTRAINT workers_pkey PRIMARY KEY (worker_id)
);

CREATE INDEX history_by_curation_status ON history USING btree (curation_type, status, "timestamp", execution_name);

CREATE INDEX history_by_scheduled_time ON history USING btree (curation_type, scheduled_time) WHERE (scheduled_time IS NOT NULL);

CREATE INDEX history_by_status ON history USING btree (status, "timestamp", execution_name);

CREATE INDEX history_newest ON history USING btree ("timestamp", execution_name);

CREATE INDEX history_timeline ON history USING btree (started_minute, status, duration_band) INCLUDE (duration_ms, started_ms, scheduled_ms, curation_type, execution_name);

CREATE INDEX outbox_by_execution ON outbox USING btree (execution_name, state) WHERE (execution_name IS NOT NULL);

CREATE INDEX outbox_by_state ON outbox USING btree (state, seq);

CREATE INDEX outbox_delivered ON outbox USING btree (delivered_at) WHERE (state = 'delivered'::text);

CREATE INDEX run_leases_by_until ON run_leases USING btree (lease_until);

CREATE INDEX runs_active_by_curation ON runs USING btree (curation_type, created_at, execution_name) WHERE (status = ANY (ARRAY['queued'::text, 'running'::text]));

CREATE INDEX runs_claim_order ON runs USING btree (status, created_at, execution_name) WHERE (status = ANY (ARRAY['queued'::text, 'running'::text]));

CREATE INDEX schedule_ticks_by_claimed ON schedule_ticks USING btree (claimed_at);

CREATE OR REPLACE FUNCTION notify_wake()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  PERFORM pg_notify(left(TG_TABLE_SCHEMA, 58) || '.wake', TG_ARGV[0]);
  RETURN NULL;
END
$function$;

CREATE OR REPLACE FUNCTION record_curation_change()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO '<schema>'
AS $function$
DECLARE
  next_seq bigint;
BEGIN
  UPDATE curation_change_counter SET seq = seq + 1 RETURNING seq INTO next_seq;
  INSERT INTO curation_changes (seq, curation_type)
  VALUES (next_seq, CASE WHEN TG_OP = 'DELETE' THEN OLD.curation_type ELSE NEW.curation_type END);
  RETURN NULL;
END
$function$;

CREATE TRIGGER curations_changed AFTER INSERT OR DELETE OR UPDATE ON curations FOR EACH ROW EXECUTE FUNCTION record_curation_change();

CREATE TRIGGER curations_wake AFTER INSERT OR DELETE OR UPDATE ON curations FOR EACH ROW EXECUTE FUNCTION notify_wake('curations');

CREATE TRIGGER runs_wake AFTER INSERT ON runs FOR EACH ROW EXECUTE FUNCTION notify_wake('runs');
