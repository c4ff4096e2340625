-- Engagement events (page views, downloads, webinars ...), kept per lead for behaviour
-- scoring. The sender's own id is the key, so a batch sent twice is recorded once.

create table events (
    id text primary key,
    lead_id blob not null references leads (id),
    kind text not null,
    url text,
    occurred_at text not null,
    received_at text not null
);

-- A lead's events, for scoring and its timeline.
create index events_lead on events (lead_id, occurred_at);
