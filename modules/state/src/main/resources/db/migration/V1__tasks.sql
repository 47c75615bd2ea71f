-- TES 1.1 tasks. The schema enforces what the TES schema says: states, required fields, ordering.
-- Design for scale: keyset paging on seq, partial indexes for the controller's claims, GIN on tags.

CREATE TABLE task (
    id              text        PRIMARY KEY CHECK (id <> ''),
    seq             bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    name            text,
    description     text,
    state           text        NOT NULL CHECK (state IN ('UNKNOWN', 'QUEUED', 'INITIALIZING', 'RUNNING', 'PAUSED',
                                                          'COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED',
                                                          'PREEMPTED', 'CANCELING')),
    creation_time   timestamptz NOT NULL,
    start_time      timestamptz,
    end_time        timestamptz,
    updated_at      timestamptz NOT NULL,
    -- TES objects kept as JSON documents: written once at creation, read whole.
    resources       jsonb,
    inputs          jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(inputs) = 'array'),
    outputs         jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(outputs) = 'array'),
    volumes         jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(volumes) = 'array'),
    tags            jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(tags) = 'object'),
    -- tesTaskLog (one attempt): system logs and output file logs.
    system_logs     jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(system_logs) = 'array'),
    output_logs     jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(output_logs) = 'array'),
    -- Execution bookkeeping: which backend has it, and which controller holds it.
    backend         text,
    backend_ref     text,
    submitted_at    timestamptz,
    lease_owner     text,
    lease_expires   timestamptz,
    CHECK (end_time IS NULL OR state IN ('COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED', 'PREEMPTED')),
    CHECK ((lease_owner IS NULL) = (lease_expires IS NULL))
);

CREATE TABLE task_executor (
    task_id         text        NOT NULL REFERENCES task (id) ON DELETE CASCADE,
    idx             integer     NOT NULL CHECK (idx >= 0),
    image           text        NOT NULL CHECK (btrim(image) <> ''),
    command         jsonb       NOT NULL CHECK (jsonb_typeof(command) = 'array' AND jsonb_array_length(command) > 0),
    workdir         text,
    stdin           text,
    stdout          text,
    stderr          text,
    env             jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(env) = 'object'),
    ignore_error    boolean     NOT NULL DEFAULT false,
    -- tesExecutorLog
    start_time      timestamptz,
    end_time        timestamptz,
    exit_code       integer,
    stdout_tail     text,
    stderr_tail     text,
    PRIMARY KEY (task_id, idx)
);

-- ListTasks: newest first by seq, optionally filtered by state / name prefix / tags.
CREATE INDEX task_state_seq ON task (state, seq);
CREATE INDEX task_name_seq ON task (name text_pattern_ops, seq);
CREATE INDEX task_tags ON task USING gin (tags);
-- The controller: queued work in arrival order, and leases that may have expired.
CREATE INDEX task_queued ON task (seq) WHERE state = 'QUEUED';
CREATE INDEX task_leased ON task (lease_expires)
    WHERE state IN ('QUEUED', 'INITIALIZING', 'RUNNING', 'PAUSED', 'CANCELING');
