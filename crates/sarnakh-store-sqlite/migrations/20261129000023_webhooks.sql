-- Webhooks and the transactional outbox (issue 9, integrate it).
--
-- `outbox` gets one row per event in the same transaction as the change that caused it:
-- triggers on `history` (every accepted change writes a history row on every write path:
-- API, web, forms, import, CLI), on `accounts` and on `contacts` copy the new row, but only
-- while someone listens (an active webhook or a registered event stream in
-- `outbox_consumers`), so imports with no subscriber pay one indexed `exists` check per
-- row. The delivery job fans each row out to `webhook_deliveries` (one per matching
-- subscription; SQLite has one writer, so a claim is one atomic `update ... where`), publishes
-- it to the event stream if one is configured, and then deletes it. `task.overdue` rows are
-- added by the job; `task_overdue_events` remembers which due time of which task was
-- announced.

create table webhooks (
    id blob primary key,
    url text not null,
    events text not null,
    active integer not null,
    secret text not null,
    description text,
    created_by blob references users (id),
    created_at text not null,
    updated_at text not null,
    version integer not null
);

-- The "anyone listening?" check of the triggers.
create index webhooks_active on webhooks (active);

create table outbox_consumers (
    name text primary key,
    seen_at text not null
);

create table outbox (
    position integer primary key,
    event_id blob not null unique,
    event_type text not null,
    subject_type text not null,
    subject_id blob not null,
    occurred_at text not null,
    seq integer,
    actor_id blob,
    data text,
    payload text,
    fanned_out integer not null default 0,
    streamed integer not null default 0,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Fan-out and streaming take the oldest unhandled rows.
create index outbox_pending on outbox (fanned_out, streamed, position);

create table webhook_deliveries (
    id blob primary key,
    webhook_id blob not null references webhooks (id) on delete cascade,
    event_id blob not null,
    event_type text not null,
    payload text not null,
    status text not null check (status in ('pending', 'delivering', 'delivered', 'dead')),
    attempts integer not null,
    next_attempt_at text not null,
    lease_until text,
    lease_id blob,
    last_error text,
    response_code integer,
    created_at text not null,
    updated_at text not null,
    delivered_at text,
    unique (webhook_id, event_id)
);

-- Claiming: due pending rows and expired leases.
create index webhook_deliveries_due on webhook_deliveries (status, next_attempt_at);
-- A subscription's deliveries by status (the dead-letter list), newest first.
create index webhook_deliveries_hook on webhook_deliveries (webhook_id, status, created_at);
-- The claimed batch, read back by lease.
create index webhook_deliveries_lease on webhook_deliveries (lease_id);

create table task_overdue_events (
    task_id blob not null,
    due_at text not null,
    primary key (task_id, due_at)
);

create trigger history_outbox after insert on history
when exists (select 1 from webhooks where active = 1) or exists (select 1 from outbox_consumers)
begin
    insert into outbox (event_id, event_type, subject_type, subject_id, occurred_at, seq, actor_id)
    values (new.id, new.subject_type || '.' || new.kind, new.subject_type, new.subject_id, new.at, new.seq, new.actor_id);
end;

create trigger accounts_outbox after insert on accounts
when exists (select 1 from webhooks where active = 1) or exists (select 1 from outbox_consumers)
begin
    insert into outbox (event_id, event_type, subject_type, subject_id, occurred_at, data)
    values (new.id, 'account.created', 'account', new.id, new.created_at, json_object('name', new.name));
end;

create trigger contacts_outbox after insert on contacts
when exists (select 1 from webhooks where active = 1) or exists (select 1 from outbox_consumers)
begin
    insert into outbox (event_id, event_type, subject_type, subject_id, occurred_at)
    values (new.id, 'contact.created', 'contact', new.id, new.created_at);
end;
