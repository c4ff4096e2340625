-- What several serving instances on one database share: scheduled jobs claimed by one
-- instance per interval (with a lease, so a dead instance's claim runs out), their run
-- log, and request-rate buckets (generic cell rate algorithm: the theoretical arrival time
-- of the next request). Times are microseconds since 1970 in UTC.

create table scheduled_jobs (
    name text primary key,
    holder blob,
    run_id blob,
    lease_until integer,
    last_started_at integer,
    last_finished_at integer,
    last_outcome text,
    requested_at integer
);

create table job_runs (
    id blob primary key,
    name text not null,
    holder blob not null,
    started_at integer not null,
    finished_at integer,
    outcome text check (outcome in ('success', 'failure', 'skipped')),
    detail text
);

create index job_runs_name on job_runs (name, started_at);
create index job_runs_started on job_runs (started_at);

create table rate_buckets (
    key text primary key,
    tat integer not null
);
