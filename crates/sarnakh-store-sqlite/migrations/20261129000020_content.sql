-- Nurture content (issue 6): a small library of items per funnel stage, and each sending of
-- an item to a lead or an opportunity.
--
-- A sending is logged as an ordinary email activity (the timeline, the activity report and
-- first contact see it as any email) plus one row of `content_sends` written in the same
-- transaction. A separate table rather than a nullable `content_id` on `activities`: the
-- activities table (millions of rows) stays as it is, and the sending keeps the lead behind
-- an opportunity (`lead_id`), which the content report joins on.

create table content_items (
    id blob primary key,
    title text not null,
    url text not null,
    stage text not null check (stage in ('lead', 'prospect', 'opportunity')),
    products text not null,
    language text not null,
    active integer not null,
    created_by blob references users (id),
    created_at text not null,
    updated_at text not null,
    version integer not null
);

create table content_sends (
    activity_id blob primary key references activities (id),
    content_id blob not null references content_items (id),
    subject_type text not null,
    subject_id blob not null,
    lead_id blob references leads (id),
    sent_at text not null,
    sent_by blob references users (id)
);

-- Next content: the items already sent to a record.
create index content_sends_subject on content_sends (subject_type, subject_id);
-- Content report: the sendings of the period.
create index content_sends_sent on content_sends (sent_at, content_id, lead_id);
