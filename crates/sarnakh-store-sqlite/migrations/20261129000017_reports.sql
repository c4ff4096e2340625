-- Reports (insight): the indexes the report queries need beyond the list indexes.
-- The other report reads use existing indexes: leads_created (funnel cohort and activity
-- "leads" counts: created_at in the period),
-- history_kind_at (disqualifications in the period), opportunities_status_created (open
-- deals of the pipeline), activities_subject (a deal's latest activity: stuck deals) and
-- activities_subject_kind (a lead's first contact).

-- Funnel, activity mode: leads qualified in the period; time spent as a lead.
create index leads_qualified on leads (qualified_at);

-- Funnel, activity mode: leads converted in the period; time spent as a prospect.
create index leads_converted on leads (converted_at);

-- A lead's won (or lost) deals: funnel cohort "won" (`exists` per lead), sources revenue and
-- the cohort's deals. Without it SQLite's planner picks opportunities_status_closed for the
-- correlated `exists` and scans every won deal per lead (2 minutes at 100k leads).
create index opportunities_lead_status on opportunities (lead_id, status);

-- Funnel (activity mode: deals won or lost in the period), win/loss (deals closed in the
-- period, loss reasons, sales cycle lengths).
create index opportunities_status_closed on opportunities (status, closed_at);

-- Activity report: activities logged in the period, per owner and kind.
create index activities_occurred on activities (occurred_at, owner_id);

-- Exchange rates for reports: units of the base (reporting) currency per unit of
-- `currency`, times 10^12, from `effective_on`; a report uses per currency the latest rate
-- effective on or before its last day (the table is small and read whole).
create table exchange_rates (
    currency text not null,
    effective_on text not null,
    rate_e12 integer not null check (rate_e12 > 0),
    set_at text not null,
    set_by blob references users (id),
    primary key (currency, effective_on)
);

-- What each campaign cost over a span of days (the sources report's cost per lead, cost
-- per won deal and ROI). Read whole: one row per campaign and span.
create table campaign_costs (
    campaign text not null,
    starts_on text not null,
    ends_on text not null,
    amount_minor integer not null check (amount_minor >= 0),
    currency text not null,
    set_at text not null,
    set_by blob references users (id),
    primary key (campaign, starts_on),
    check (ends_on >= starts_on)
);
