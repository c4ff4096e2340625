-- Anonymous visitors: events sent with only a visitor id wait here until the visitor
-- becomes a lead (fills a form, or is captured with that visitor id); then they move to
-- the lead's events and count in its score. The link stays, so later events with the same
-- visitor id go straight to the lead.

create table visitors (
    visitor_id text primary key,
    lead_id blob not null references leads (id),
    linked_at text not null
);

create index visitors_lead on visitors (lead_id);

create table anonymous_events (
    id text primary key,
    visitor_id text not null,
    kind text not null,
    url text,
    occurred_at text not null,
    received_at text not null
);

create index anonymous_events_visitor on anonymous_events (visitor_id, occurred_at);
