-- Imports through the API: the uploaded file is kept in the database in 1 MiB chunks, so
-- that any app instance can run (or, after a crash, resume) the job, and the job row is
-- leased to one worker at a time by a heartbeat. Progress is the import run's (the run's
-- source digest is "job:<id>").

create table import_jobs (
    id blob primary key,
    file_name text not null,
    bytes integer not null,
    status text not null check (status in ('uploaded', 'queued', 'running', 'finished', 'failed')),
    entity text,
    mapping text,
    batch_size integer not null,
    rows_total integer,
    error text,
    worker blob,
    heartbeat_at text,
    created_by blob references users (id),
    created_at text not null,
    updated_at text not null
);

-- The worker's claim: queued jobs, and running ones whose worker stopped beating, oldest first.
create index import_jobs_status on import_jobs (status, created_at);

create table import_chunks (
    job_id blob not null references import_jobs (id) on delete cascade,
    seq integer not null,
    data blob not null,
    primary key (job_id, seq)
);
