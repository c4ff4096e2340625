-- Imports from another CRM. external_ids maps the other CRM's id of a record (unique per
-- entity) to Sarnakh's, so a file imported twice updates instead of duplicating and files
-- can reference each other. import_runs remembers how far each file got: every batch of
-- rows is committed together with the run's progress and its rejected rows, so a killed
-- import resumes exactly where its last batch ended.

create table external_ids (
    entity text not null,
    external_id text not null,
    record_id uuid not null,
    primary key (entity, external_id)
);

create index external_ids_record on external_ids (record_id);

create table import_runs (
    id uuid primary key,
    entity text not null,
    source_digest text not null,
    file_name text not null,
    finished_at timestamptz,
    rows_done bigint not null,
    rows_read bigint not null,
    created bigint not null,
    updated bigint not null,
    unchanged bigint not null,
    rejected bigint not null,
    started_at timestamptz not null,
    started_by uuid references users (id)
);

create index import_runs_source on import_runs (source_digest, started_at);

create table import_rejects (
    run_id uuid not null references import_runs (id),
    row_number bigint not null,
    line_number bigint not null,
    reasons text not null,
    cells text not null,
    primary key (run_id, row_number)
);
