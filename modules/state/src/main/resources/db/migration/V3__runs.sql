-- WES 1.1 runs. A run is a small graph of TES tasks: run_task ties each node of it (the engine
-- task, or one node of an Ergon DAG) to its TES task. Tasks an engine sends to Ergon's TES itself
-- carry the tag ergon.run-id and are found through task_tag. The schema enforces the WES states,
-- required fields and JSON shapes; keyset paging on seq, like tasks.

CREATE TABLE run (
    id                      text        PRIMARY KEY CHECK (id <> ''),
    seq                     bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    state                   text        NOT NULL CHECK (state IN ('UNKNOWN', 'QUEUED', 'INITIALIZING', 'RUNNING', 'PAUSED',
                                                                  'COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED',
                                                                  'CANCELING', 'PREEMPTED')),
    -- the RunRequest, as sent
    workflow_type           text        NOT NULL CHECK (btrim(workflow_type) <> ''),
    workflow_type_version   text        NOT NULL CHECK (btrim(workflow_type_version) <> ''),
    workflow_url            text        NOT NULL CHECK (btrim(workflow_url) <> ''),
    workflow_engine         text,
    workflow_engine_version text,
    workflow_params         jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(workflow_params) = 'object'),
    engine_parameters       jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(engine_parameters) = 'object'),
    tags                    jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(tags) = 'object'),
    -- which language adapter runs it, and the folder holding its attachments, results and node outputs
    adapter                 text        NOT NULL CHECK (adapter <> ''),
    storage                 text        NOT NULL CHECK (storage <> ''),
    creation_time           timestamptz NOT NULL,
    start_time              timestamptz,
    end_time                timestamptz,
    updated_at              timestamptz NOT NULL,
    outputs                 jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(outputs) = 'object'),
    system_logs             jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(system_logs) = 'array'),
    -- which run reconciler drives it
    lease_owner             text,
    lease_expires           timestamptz,
    CHECK (end_time IS NULL OR state IN ('COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED', 'PREEMPTED')),
    CHECK ((lease_owner IS NULL) = (lease_expires IS NULL))
);

-- ListRuns: newest first by seq. The reconciler: unfinished runs in arrival order.
CREATE INDEX run_state_seq ON run (state, seq);
CREATE INDEX run_active ON run (seq) WHERE state IN ('QUEUED', 'INITIALIZING', 'RUNNING', 'PAUSED', 'CANCELING');

CREATE TABLE run_task (
    run_id  text   NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    node    text   NOT NULL CHECK (node <> ''),
    task_id text   NOT NULL UNIQUE REFERENCES task (id) ON DELETE CASCADE,
    seq     bigint GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (run_id, node)
);

-- A state change of a run's task wakes the reconcilers at once (in every process, on the default
-- PostgreSQL event bus; it is sent when the change commits). Polling stays the guarantee, so a
-- lost notice only delays a run. The tag length bound keeps the notice below NOTIFY's size limit.
CREATE FUNCTION run_task_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ergon_events', 'run|' || (NEW.tags ->> 'ergon.run-id') || '|task|' || NEW.state);
    RETURN NULL;
END
$$;

CREATE TRIGGER run_task_notify AFTER UPDATE OF state ON task
    FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state
          AND jsonb_exists(NEW.tags, 'ergon.run-id')
          AND length(NEW.tags ->> 'ergon.run-id') BETWEEN 1 AND 200
          AND strpos(NEW.tags ->> 'ergon.run-id', '|') = 0)
    EXECUTE FUNCTION run_task_notify();
