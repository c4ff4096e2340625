-- Duplicate detection looks people up by phone, by email and by company; pairs someone
-- marked "not the same person" are remembered; settings hold the duplicate policy (and
-- later other instance-wide settings) as JSON by key.

create index leads_phone on leads (phone);
create index leads_company_lower on leads (lower(company));
create index contacts_email_lower on contacts (lower(email));
create index contacts_phone on contacts (phone);

create table duplicate_dismissals (
    first_id uuid not null,
    second_id uuid not null,
    dismissed_at timestamptz not null,
    dismissed_by uuid references users (id),
    primary key (first_id, second_id)
);

create table settings (
    key text primary key,
    value text not null,
    updated_at timestamptz not null,
    updated_by uuid references users (id)
);
