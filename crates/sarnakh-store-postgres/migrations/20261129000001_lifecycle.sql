-- Sarnakh's first schema: users, pipeline stages, leads, accounts, contacts,
-- opportunities, buyer roles, activities, tasks and history.
-- Ids are UUIDv7 (`uuid`); timestamps are `timestamptz` at microsecond precision; money is
-- bigint minor units plus an ISO 4217 code. Every mutable row has a version.
-- Sort keys compared by cursors (`leads.sort_name`, `accounts.name_key`) use the "C"
-- collation, so they order by code point whatever the database locale (as SQLite does).

create table users (
    id uuid primary key,
    email text not null unique,
    display_name text not null,
    role text not null,
    created_at timestamptz not null
);

create table pipeline_stages (
    key text primary key,
    name text not null,
    probability integer not null check (probability between 0 and 100),
    position integer not null unique,
    kind text not null check (kind in ('open', 'won', 'lost'))
);

insert into pipeline_stages (key, name, probability, position, kind) values
    ('qualify', 'Qualify', 10, 1, 'open'),
    ('discovery', 'Discovery', 20, 2, 'open'),
    ('demo', 'Demo', 40, 3, 'open'),
    ('proposal', 'Proposal', 60, 4, 'open'),
    ('negotiation', 'Negotiation', 80, 5, 'open'),
    ('won', 'Won', 100, 6, 'won'),
    ('lost', 'Lost', 0, 7, 'lost');

create table accounts (
    id uuid primary key,
    name text not null,
    name_key text collate "C" not null unique,
    industry text,
    company_size integer,
    country text,
    owner_id uuid references users (id),
    customer_since timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version bigint not null
);

create table leads (
    id uuid primary key,
    first_name text not null,
    last_name text,
    email text,
    phone text,
    job_title text,
    company text,
    country text,
    source text not null,
    campaign text,
    products text[] not null,
    notes text,
    company_size integer,
    industry text,
    need text,
    decision_role text,
    owner_id uuid references users (id),
    stage text not null,
    status text not null,
    disqualify_reason text,
    status_note text,
    nurture_until date,
    score integer not null default 0,
    account_id uuid references accounts (id),
    -- References contacts (id); the constraint is added once contacts exists, below.
    contact_id uuid,
    qualified_at timestamptz,
    converted_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version bigint not null,
    sort_name text collate "C" not null,
    search text not null
);

-- One index per list order, and per filter combined with the default order.
create index leads_created on leads (created_at, id);
create index leads_updated on leads (updated_at, id);
create index leads_name on leads (sort_name, id);
create index leads_score on leads (score, id);
create index leads_status_created on leads (status, created_at, id);
create index leads_stage_created on leads (stage, created_at, id);
create index leads_source_created on leads (source, created_at, id);
create index leads_owner_created on leads (owner_id, created_at, id);
create index leads_email on leads (email);

create table contacts (
    id uuid primary key,
    account_id uuid not null references accounts (id),
    lead_id uuid references leads (id),
    first_name text not null,
    last_name text,
    email text,
    phone text,
    job_title text,
    created_at timestamptz not null,
    version bigint not null,
    search text not null
);

-- The other half of the leads <-> contacts cycle.
alter table leads add constraint leads_contact_id_fkey foreign key (contact_id) references contacts (id);

create index contacts_created on contacts (created_at, id);
create index contacts_account on contacts (account_id, created_at, id);

create table opportunities (
    id uuid primary key,
    account_id uuid not null references accounts (id),
    contact_id uuid references contacts (id),
    lead_id uuid references leads (id),
    name text not null,
    product text,
    amount_minor bigint not null check (amount_minor >= 0),
    currency text not null,
    expected_close_date date,
    stage text not null references pipeline_stages (key),
    status text not null,
    loss_reason text,
    close_note text,
    closed_at timestamptz,
    owner_id uuid references users (id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version bigint not null,
    search text not null
);

create index opportunities_created on opportunities (created_at, id);
create index opportunities_updated on opportunities (updated_at, id);
create index opportunities_amount on opportunities (amount_minor, id);
create index opportunities_stage_created on opportunities (stage, created_at, id);
create index opportunities_status_created on opportunities (status, created_at, id);
create index opportunities_owner_created on opportunities (owner_id, created_at, id);
create index opportunities_account on opportunities (account_id, created_at, id);
create index opportunities_lead on opportunities (lead_id);

create table opportunity_contacts (
    opportunity_id uuid not null references opportunities (id),
    contact_id uuid not null references contacts (id),
    role text not null,
    primary key (opportunity_id, contact_id)
);

create table activities (
    id uuid primary key,
    subject_type text not null,
    subject_id uuid not null,
    kind text not null,
    outcome text,
    summary text not null,
    body text,
    occurred_at timestamptz not null,
    owner_id uuid references users (id),
    created_at timestamptz not null
);

create index activities_subject on activities (subject_type, subject_id, occurred_at);

create table tasks (
    id uuid primary key,
    subject_type text,
    subject_id uuid,
    title text not null,
    notes text,
    due_at timestamptz not null,
    owner_id uuid not null references users (id),
    completed_at timestamptz,
    created_at timestamptz not null,
    version bigint not null
);

-- Follow-up lists: open tasks by due time, per owner, and per record.
create index tasks_open_due on tasks (completed_at, due_at, id);
create index tasks_owner_due on tasks (owner_id, completed_at, due_at, id);
create index tasks_subject on tasks (subject_type, subject_id, due_at);

create table history (
    id uuid primary key,
    subject_type text not null,
    subject_id uuid not null,
    kind text not null,
    from_state text,
    to_state text,
    reason text,
    note text,
    related_type text,
    related_id uuid,
    actor_id uuid references users (id),
    at timestamptz not null
);

create index history_subject on history (subject_type, subject_id, at);
create index history_kind_at on history (kind, at);
