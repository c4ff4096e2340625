-- Webhooks and the transactional outbox (issue 9, integrate it).
--
-- `outbox` gets one row per event in the same transaction as the change that caused it:
-- statement-level triggers on `history` (every accepted change writes a history row on
-- every write path: API, web, forms, import, CLI), on `accounts` and on `contacts` copy the
-- new rows, but only while someone listens (an active webhook or a registered event
-- stream in `outbox_consumers`), so imports with no subscriber pay one `exists` check per
-- statement. The delivery job fans each row out to `webhook_deliveries` (one per matching
-- subscription, claimed with `for update skip locked`), publishes it to the event stream if
-- one is configured, and then deletes it. `task.overdue` rows are added by the job;
-- `task_overdue_events` remembers which due time of which task was announced.

create table webhooks (
    id uuid primary key,
    url text not null,
    events text not null,
    active boolean not null,
    secret text not null,
    description text,
    created_by uuid references users (id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version bigint not null
);

-- The delivery job's "anyone listening?" check.
create index webhooks_active on webhooks (active);

create table outbox_consumers (
    name text primary key,
    seen_at timestamptz not null
);

create table outbox (
    position bigint generated always as identity primary key,
    event_id uuid not null unique,
    event_type text not null,
    subject_type text not null,
    subject_id uuid not null,
    occurred_at timestamptz not null,
    seq bigint,
    actor_id uuid,
    data text,
    payload text,
    fanned_out boolean not null default false,
    streamed boolean not null default false,
    created_at timestamptz not null default now()
);

-- Fan-out and streaming take the oldest unhandled rows.
create index outbox_pending on outbox (fanned_out, streamed, position);

create table webhook_deliveries (
    id uuid primary key,
    webhook_id uuid not null references webhooks (id) on delete cascade,
    event_id uuid not null,
    event_type text not null,
    payload text not null,
    status text not null check (status in ('pending', 'delivering', 'delivered', 'dead')),
    attempts integer not null,
    next_attempt_at timestamptz not null,
    lease_until timestamptz,
    lease_id uuid,
    last_error text,
    response_code integer,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    delivered_at timestamptz,
    unique (webhook_id, event_id)
);

-- Claiming: due pending rows and expired leases.
create index webhook_deliveries_due on webhook_deliveries (status, next_attempt_at);
-- A subscription's deliveries by status (the dead-letter list), newest first.
create index webhook_deliveries_hook on webhook_deliveries (webhook_id, status, created_at);
-- The claimed batch, read back by lease.
create index webhook_deliveries_lease on webhook_deliveries (lease_id);

create table task_overdue_events (
    task_id uuid not null,
    due_at timestamptz not null,
    primary key (task_id, due_at)
);

create function sarnakh_outbox_listening() returns boolean language sql stable as $$
    select exists (select 1 from webhooks where active) or exists (select 1 from outbox_consumers)
$$;

create function sarnakh_history_outbox() returns trigger language plpgsql as $$
begin
    if sarnakh_outbox_listening() then
        insert into outbox (event_id, event_type, subject_type, subject_id, occurred_at, seq, actor_id)
        select id, subject_type || '.' || kind, subject_type, subject_id, at, seq, actor_id
        from inserted order by seq;
    end if;
    return null;
end
$$;

create trigger history_outbox after insert on history
    referencing new table as inserted
    for each statement execute function sarnakh_history_outbox();

create function sarnakh_account_outbox() returns trigger language plpgsql as $$
begin
    if sarnakh_outbox_listening() then
        insert into outbox (event_id, event_type, subject_type, subject_id, occurred_at, data)
        select id, 'account.created', 'account', id, created_at, json_build_object('name', name)::text
        from inserted;
    end if;
    return null;
end
$$;

create trigger accounts_outbox after insert on accounts
    referencing new table as inserted
    for each statement execute function sarnakh_account_outbox();

create function sarnakh_contact_outbox() returns trigger language plpgsql as $$
begin
    if sarnakh_outbox_listening() then
        insert into outbox (event_id, event_type, subject_type, subject_id, occurred_at)
        select id, 'contact.created', 'contact', id, created_at from inserted;
    end if;
    return null;
end
$$;

create trigger contacts_outbox after insert on contacts
    referencing new table as inserted
    for each statement execute function sarnakh_contact_outbox();
