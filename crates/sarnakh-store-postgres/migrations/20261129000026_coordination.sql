-- What several serving instances on one database share: scheduled jobs claimed by one
-- instance per interval (with a lease, so a dead instance's claim runs out), their run
-- log, and request-rate buckets (generic cell rate algorithm: the theoretical arrival time
-- of the next request). Times are microseconds since 1970 in UTC.

create table scheduled_jobs (
    name text primary key,
    holder uuid,
    run_id uuid,
    lease_until bigint,
    last_started_at bigint,
    last_finished_at bigint,
    last_outcome text,
    requested_at bigint
);

create table job_runs (
    id uuid primary key,
    name text not null,
    holder uuid not null,
    started_at bigint not null,
    finished_at bigint,
    outcome text check (outcome in ('success', 'failure', 'skipped')),
    detail text
);

create index job_runs_name on job_runs (name, started_at);
create index job_runs_started on job_runs (started_at);

create table rate_buckets (
    key text primary key,
    tat bigint not null
);
