-- Voronka schema, SQLite dialect. Timestamps are RFC 3339 text in UTC written by the server.
-- Never edit an applied migration: add a new file.

CREATE TABLE school_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    timezone TEXT NOT NULL,
    lead_visibility TEXT NOT NULL CHECK (lead_visibility IN ('all', 'own')),
    first_contact_minutes INTEGER NOT NULL,
    calls_create_leads INTEGER NOT NULL DEFAULT 0,
    stage_preset TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- The five dictionaries share one shape.
CREATE TABLE branches (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, position INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE categories (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, position INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE channels (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, position INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE contact_sources (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, position INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, position INTEGER NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'director', 'deputy', 'administrator', 'sales')),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    lang TEXT NOT NULL DEFAULT 'ru' CHECK (lang IN ('ru', 'en')),
    branch_id INTEGER REFERENCES branches(id),
    created_at TEXT NOT NULL
);

CREATE TABLE stages (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    color TEXT NOT NULL,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('open', 'won', 'lost')),
    shown_on_board INTEGER NOT NULL DEFAULT 1,
    enrolment INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE stage_reasons (
    id INTEGER PRIMARY KEY,
    stage_id INTEGER NOT NULL REFERENCES stages(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    retired INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stage_reasons_stage ON stage_reasons(stage_id, position);

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users(id),
    file_name TEXT NOT NULL,
    -- SHA-256 of the file's rows, so the same file is not imported twice.
    file_hash TEXT NOT NULL,
    rows_total INTEGER NOT NULL,
    rows_imported INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    created_at TEXT NOT NULL,
    finished_at TEXT
);

CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    phone TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE leads (
    id INTEGER PRIMARY KEY,
    person_id INTEGER REFERENCES persons(id),
    first_name TEXT NOT NULL,
    patronymic TEXT,
    surname TEXT,
    phone TEXT,
    extra_phone TEXT,
    email TEXT,
    gender TEXT CHECK (gender IN ('male', 'female')),
    birth_date TEXT,
    desired_start TEXT,
    stage_id INTEGER NOT NULL REFERENCES stages(id),
    stage_reason_id INTEGER REFERENCES stage_reasons(id),
    stage_changed_at TEXT NOT NULL,
    branch_id INTEGER REFERENCES branches(id),
    category_id INTEGER REFERENCES categories(id),
    gearbox TEXT CHECK (gearbox IN ('manual', 'automatic', 'either')),
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    contact_source_id INTEGER REFERENCES contact_sources(id),
    client_type TEXT NOT NULL DEFAULT 'person' CHECK (client_type IN ('person', 'company')),
    company_name TEXT,
    postponed_until TEXT,
    responsible_id INTEGER REFERENCES users(id),
    registrar_id INTEGER REFERENCES users(id),
    archived INTEGER NOT NULL DEFAULT 0,
    duplicate_of INTEGER REFERENCES leads(id),
    import_id INTEGER REFERENCES imports(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- The board reads each column newest-moved first.
CREATE INDEX leads_board ON leads(stage_id, archived, stage_changed_at DESC, id DESC);
CREATE INDEX leads_person ON leads(person_id);
CREATE INDEX leads_responsible ON leads(responsible_id);

CREATE TABLE lead_tags (
    lead_id INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    PRIMARY KEY (lead_id, tag_id)
);
CREATE INDEX lead_tags_tag ON lead_tags(tag_id);

CREATE TABLE timeline (
    id INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users(id),
    kind TEXT NOT NULL,
    -- The event as JSON text (domain::timeline::TimelineEvent); text on both databases so SQL is shared.
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    edited_at TEXT
);
CREATE INDEX timeline_lead ON timeline(lead_id, created_at DESC, id DESC);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('call', 'meeting', 'other')),
    due_at TEXT NOT NULL,
    assignee_id INTEGER NOT NULL REFERENCES users(id),
    author_id INTEGER REFERENCES users(id),
    lead_id INTEGER REFERENCES leads(id) ON DELETE CASCADE,
    done_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tasks_assignee_open ON tasks(assignee_id, done_at, due_at);
CREATE INDEX tasks_lead_open ON tasks(lead_id, done_at, due_at);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('task_assigned', 'task_due', 'lead_transferred')),
    lead_id INTEGER REFERENCES leads(id) ON DELETE CASCADE,
    task_id INTEGER REFERENCES tasks(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_user ON notifications(user_id, read_at, created_at DESC);

CREATE TABLE training_groups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    category_id INTEGER NOT NULL REFERENCES categories(id),
    branch_id INTEGER REFERENCES branches(id),
    start_date TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    status TEXT NOT NULL CHECK (status IN ('recruiting', 'started', 'finished')),
    created_at TEXT NOT NULL
);

CREATE TABLE contracts (
    id INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL REFERENCES leads(id),
    group_id INTEGER NOT NULL REFERENCES training_groups(id),
    number TEXT NOT NULL UNIQUE,
    signed_on TEXT NOT NULL,
    price_kopecks INTEGER NOT NULL CHECK (price_kopecks >= 0),
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    cancelled_at TEXT,
    cancel_reason TEXT
);
CREATE INDEX contracts_group ON contracts(group_id) WHERE cancelled_at IS NULL;
-- A lead is enrolled at most once while its contract stands.
CREATE UNIQUE INDEX contracts_one_per_lead ON contracts(lead_id) WHERE cancelled_at IS NULL;

CREATE TABLE automation_rules (
    id INTEGER PRIMARY KEY,
    trigger_kind TEXT NOT NULL CHECK (trigger_kind IN ('lead_created', 'stage_entered')),
    stage_id INTEGER REFERENCES stages(id) ON DELETE CASCADE,
    -- The rule's settings as JSON.
    config TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users(id),
    area TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);

CREATE TABLE api_idempotency (
    token_id INTEGER NOT NULL REFERENCES api_tokens(id),
    key TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (token_id, key)
);

