-- Stages, their reasons and the automation rules are read by every move and board load; the
-- server keeps them in memory while this number stays the same. Every change to those tables, by
-- any process, bumps it in the same transaction.
ALTER TABLE school_settings ADD COLUMN config_generation INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER stages_generation_insert AFTER INSERT ON stages BEGIN UPDATE school_settings SET config_generation = config_generation + 1; END;
CREATE TRIGGER stages_generation_update AFTER UPDATE ON stages BEGIN UPDATE school_settings SET config_generation = config_generation + 1; END;
CREATE TRIGGER stages_generation_delete AFTER DELETE ON stages BEGIN UPDATE school_settings SET config_generation = config_generation + 1; END;
CREATE TRIGGER stage_reasons_generation_insert AFTER INSERT ON stage_reasons BEGIN UPDATE school_settings SET config_generation = config_generation + 1; END;
CREATE TRIGGER stage_reasons_generation_update AFTER UPDATE ON stage_reasons BEGIN UPDATE school_settings SET config_generation = config_generation + 1; END;
CREATE TRIGGER stage_reasons_generation_delete AFTER DELETE ON stage_reasons BEGIN UPDATE school_settings SET config_generation = config_generation + 1; END;
CREATE TRIGGER automation_rules_generation_insert AFTER INSERT ON automation_rules BEGIN UPDATE school_settings SET config_generation = config_generation + 1; END;
CREATE TRIGGER automation_rules_generation_update AFTER UPDATE ON automation_rules BEGIN UPDATE school_settings SET config_generation = config_generation + 1; END;
CREATE TRIGGER automation_rules_generation_delete AFTER DELETE ON automation_rules BEGIN UPDATE school_settings SET config_generation = config_generation + 1; END;
