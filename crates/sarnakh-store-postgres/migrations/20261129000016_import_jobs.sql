-- Imports through the API: the uploaded file is kept in the database in 1 MiB chunks, so
-- that any app instance can run (or, after a crash, resume) the job, and the job row is
-- leased to one worker at a time by a heartbeat. Progress is the import run's (the run's
-- source digest is "job:<id>").

create table import_jobs (
    id uuid primary key,
    file_name text not null,
    bytes bigint not null,
    status text not null check (status in ('uploaded', 'queued', 'running', 'finished', 'failed')),
    entity text,
    mapping text,
    batch_size bigint not null,
    rows_total bigint,
    error text,
    worker uuid,
    heartbeat_at timestamptz,
    created_by uuid references users (id),
    created_at timestamptz not null,
    updated_at timestamptz not null
);

-- The worker's claim: queued jobs, and running ones whose worker stopped beating, oldest first.
create index import_jobs_status on import_jobs (status, created_at);

create table import_chunks (
    job_id uuid not null references import_jobs (id) on delete cascade,
    seq bigint not null,
    data bytea not null,
    primary key (job_id, seq)
);
