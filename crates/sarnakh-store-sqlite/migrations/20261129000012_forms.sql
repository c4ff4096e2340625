-- Web-to-lead forms and every submission they receive. Spam and over-cap submissions are
-- kept apart (status) for review and never counted as leads; accepted ones point at the
-- lead they made and keep the visit's marketing parameters.

create table forms (
    id blob primary key,
    key text not null unique,
    name text not null,
    fields text not null,
    campaign text,
    products text not null,
    thank_you_url text,
    thank_you_message text,
    allowed_origins text not null,
    daily_cap integer not null,
    min_fill_seconds integer not null,
    team_id blob references teams (id),
    active integer not null,
    created_by blob references users (id),
    created_at text not null,
    updated_at text not null,
    version integer not null
);

create table form_submissions (
    id blob primary key,
    form_id blob not null references forms (id),
    status text not null,
    reason text,
    lead_id blob references leads (id),
    payload text not null,
    visitor_id text,
    utm_source text,
    utm_medium text,
    utm_campaign text,
    utm_term text,
    utm_content text,
    referrer text,
    landing_page text,
    ip text,
    user_agent text,
    received_at text not null,
    reviewed_at text,
    reviewed_by blob references users (id)
);

-- The review queues and the daily cap count.
create index form_submissions_form on form_submissions (form_id, status, received_at);
-- A lead's origin.
create index form_submissions_lead on form_submissions (lead_id);
