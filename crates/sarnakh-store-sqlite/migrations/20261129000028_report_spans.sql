-- Reports over a year of a million leads read each cohort in one pass. The time a record
-- spent in a stage is computed by SQLite when the row is written (virtual generated columns,
-- stored in the indexes below), not parsed from two timestamps per row on every report: the
-- whole seconds from one time to the other, each taken to the whole second (the first 19
-- characters, `YYYY-MM-DDTHH:MM:SS`, of Sarnakh's UTC RFC 3339 text), null while either is.

-- Created -> qualified (time as a lead).
alter table leads add column lead_secs integer generated always as
    (unixepoch(substr(qualified_at, 1, 19)) - unixepoch(substr(created_at, 1, 19))) virtual;
-- Qualified -> converted (time as a prospect).
alter table leads add column prospect_secs integer generated always as
    (unixepoch(substr(converted_at, 1, 19)) - unixepoch(substr(qualified_at, 1, 19))) virtual;
-- Created -> converted (also: whether the lead became an opportunity).
alter table leads add column convert_secs integer generated always as
    (unixepoch(substr(converted_at, 1, 19)) - unixepoch(substr(created_at, 1, 19))) virtual;
-- Created -> first call, email, meeting or demo (time to first contact).
alter table leads add column contact_secs integer generated always as
    (unixepoch(substr(first_contact_at, 1, 19)) - unixepoch(substr(created_at, 1, 19))) virtual;
-- A deal's created -> closed (time as an opportunity, the sales cycle).
alter table opportunities add column cycle_secs integer generated always as
    (unixepoch(substr(closed_at, 1, 19)) - unixepoch(substr(created_at, 1, 19))) virtual;

-- The cohort: every figure of the funnel and sources reports that comes from the leads
-- (counts per stage, disqualification reasons, the spans) with the filters and the
-- visibility, from the index alone; the first contact itself for the activity report's
-- speed-to-lead target. The list's order (created_at, id) stays its prefix.
drop index leads_created;
create index leads_created on leads (created_at, id, owner_id, team_id, status, source,
    campaign, country, disqualify_reason, lead_secs, prospect_secs, convert_secs, contact_secs,
    first_contact_at);

-- Activity mode: leads qualified or converted in the period with their span.
drop index leads_qualified;
create index leads_qualified on leads (qualified_at, owner_id, team_id, source, campaign,
    country, lead_secs);
drop index leads_converted;
create index leads_converted on leads (converted_at, owner_id, team_id, source, campaign,
    country, prospect_secs);

-- Closed deals with their cycle and id (a lead's first won deal is counted once, by id).
drop index opportunities_status_closed;
create index opportunities_status_closed on opportunities (status, closed_at, lead_id, owner_id,
    product, currency, amount_minor, created_at, loss_reason, cycle_secs, id);
drop index opportunities_lead_status;
create index opportunities_lead_status on opportunities (lead_id, status, closed_at, created_at,
    currency, amount_minor, loss_reason, cycle_secs, id);
