-- Tag filters page by keyset like every other list: one row per (task, tag) with the task's seq,
-- indexed so that "key = ? [AND value = ?] AND seq < ? ORDER BY seq DESC LIMIT n" reads only the
-- page it returns, however deep it is. (A GIN index on task.tags makes the planner choose
-- between a bitmap over every matching task and a filtered walk, and deep pages flip plans.)
-- TES tags never change after creation, so an insert trigger keeps the table exact.

CREATE TABLE task_tag (
    task_id text   NOT NULL REFERENCES task (id) ON DELETE CASCADE,
    seq     bigint NOT NULL,
    key     text   NOT NULL,
    value   text   NOT NULL,
    PRIMARY KEY (task_id, key)
);

CREATE INDEX task_tag_key_value_seq ON task_tag (key, value, seq);
CREATE INDEX task_tag_key_seq ON task_tag (key, seq);

CREATE FUNCTION task_tag_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_tag (task_id, seq, key, value)
    SELECT NEW.id, NEW.seq, e.key, e.value FROM jsonb_each_text(NEW.tags) AS e;
    RETURN NULL;
END
$$;

CREATE TRIGGER task_tag_insert AFTER INSERT ON task
    FOR EACH ROW WHEN (NEW.tags <> '{}'::jsonb) EXECUTE FUNCTION task_tag_insert();

INSERT INTO task_tag (task_id, seq, key, value)
SELECT t.id, t.seq, e.key, e.value FROM task AS t, jsonb_each_text(t.tags) AS e;

DROP INDEX task_tags;
