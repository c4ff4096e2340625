-- Web-to-lead forms and every submission they receive. Spam and over-cap submissions are
-- kept apart (status) for review and never counted as leads; accepted ones point at the
-- lead they made and keep the visit's marketing parameters.

create table forms (
    id uuid primary key,
    key text not null unique,
    name text not null,
    fields text not null,
    campaign text,
    products text not null,
    thank_you_url text,
    thank_you_message text,
    allowed_origins text not null,
    daily_cap bigint not null,
    min_fill_seconds bigint not null,
    team_id uuid references teams (id),
    active boolean not null,
    created_by uuid references users (id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version bigint not null
);

create table form_submissions (
    id uuid primary key,
    form_id uuid not null references forms (id),
    status text not null,
    reason text,
    lead_id uuid references leads (id),
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
    received_at timestamptz not null,
    reviewed_at timestamptz,
    reviewed_by uuid references users (id)
);

-- The review queues and the daily cap count.
create index form_submissions_form on form_submissions (form_id, status, received_at);
-- A lead's origin.
create index form_submissions_lead on form_submissions (lead_id);
