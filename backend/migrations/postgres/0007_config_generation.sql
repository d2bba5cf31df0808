-- Stages, their reasons and the automation rules are read by every move and board load; the
-- server keeps them in memory while this number stays the same. Every change to those tables, by
-- any process, bumps it in the same transaction.
ALTER TABLE school_settings ADD COLUMN config_generation BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION bump_config_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE school_settings SET config_generation = config_generation + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER stages_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stages
    FOR EACH STATEMENT EXECUTE FUNCTION bump_config_generation();
CREATE TRIGGER stage_reasons_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stage_reasons
    FOR EACH STATEMENT EXECUTE FUNCTION bump_config_generation();
CREATE TRIGGER automation_rules_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON automation_rules
    FOR EACH STATEMENT EXECUTE FUNCTION bump_config_generation();
