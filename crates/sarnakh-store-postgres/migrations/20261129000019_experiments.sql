-- A/B experiments (issue 6): an experiment compares 2 to 10 variants; its variants (key,
-- name, form or campaign or weight) are small and read with it, so they are one JSON text
-- column. Leads are assigned at most once per experiment (the primary key), with the time
-- from which their conversions count.

create table experiments (
    id uuid primary key,
    key text not null unique,
    name text not null,
    description text,
    kind text not null,
    method text not null,
    status text not null check (status in ('draft', 'running', 'stopped')),
    variants text not null,
    started_at timestamptz,
    stopped_at timestamptz,
    created_by uuid references users (id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version bigint not null
);

-- Every lead capture reads the running experiments.
create index experiments_status on experiments (status);

-- The report counts one experiment's assignments per variant (the primary key leads with
-- experiment_id); the backfill's "not yet assigned" test probes (experiment_id, lead_id).
create table experiment_assignments (
    experiment_id uuid not null references experiments (id),
    lead_id uuid not null references leads (id),
    variant text not null,
    assigned_at timestamptz not null,
    primary key (experiment_id, lead_id)
);

-- A lead's experiments (lead pages, merges).
create index experiment_assignments_lead on experiment_assignments (lead_id);
