-- Reports over a year of a million leads (funnel, sources, activity): every cohort query
-- reads an index alone, and a lead's first contact is kept on the lead.

-- A lead's first call, email, meeting or demo (`occurred_at`), set by the store with each
-- such activity (the earliest wins; a merge keeps the earlier of the two). The sources and
-- activity reports read it instead of looking up each lead's activities.
alter table leads add column first_contact_at text;
update leads set first_contact_at = (
    select min(a.occurred_at) from activities a
    where a.subject_type = 'lead' and a.subject_id = leads.id
      and a.kind in ('call', 'email', 'meeting', 'demo'));

-- The cohort (leads created in the period): counts per stage, filters (owner, team,
-- source, campaign, country), visibility, disqualification reasons, time as a lead and as a
-- prospect, and time to first contact, all from the index. The list's order
-- (created_at, id) stays its prefix.
drop index leads_created;
create index leads_created on leads (created_at, id, owner_id, team_id, status, source,
    campaign, country, qualified_at, converted_at, first_contact_at, disqualify_reason);

-- Activity mode: leads qualified or converted in the period, with what they are filtered
-- and grouped by and the other end of their stage's duration.
drop index leads_qualified;
create index leads_qualified on leads (qualified_at, created_at, owner_id, team_id, source,
    campaign, country);
drop index leads_converted;
create index leads_converted on leads (converted_at, qualified_at, owner_id, team_id, source,
    campaign, country);

-- Activity report: activities in the period per owner and kind, from the index alone.
drop index activities_occurred;
create index activities_occurred on activities (occurred_at, owner_id, kind);

-- Funnel: the playbook overrides of the cohort's leads or of the period. They are rare; the
-- partial index holds only them, and carries every column the query reads so that SQLite's
-- planner takes it over history_kind_at, which made the report walk every qualification and
-- conversion in the history (14 s at 1M leads).
create index history_lead_overrides on history (kind, subject_id, at, subject_type, reason)
    where subject_type = 'lead' and reason = 'override';

-- The cohort's deals (won, lost, closed) are read from the deals' side: the status index
-- carries what the funnel, sources and win/loss reports read of a deal, and each deal's lead
-- is found in a narrow index by its id with what the cohort is filtered by, instead of the
-- lead row itself (one b-tree descent instead of two, in 100 MB instead of gigabytes).
drop index opportunities_status_closed;
create index opportunities_status_closed on opportunities (status, closed_at, lead_id, owner_id,
    product, currency, amount_minor, created_at, loss_reason);
create index leads_id_cohort on leads (id, created_at, owner_id, team_id, source, campaign,
    country);

-- The other way, for a cohort of up to four months: its leads from leads_created, then each
-- lead's deals from this index, which carries what the reports read of them.
drop index opportunities_lead_status;
create index opportunities_lead_status on opportunities (lead_id, status, closed_at, created_at,
    currency, amount_minor, loss_reason);

-- Funnel, activity mode: the disqualifications recorded in the period, with their reason and
-- lead, from the index alone (the history table has two rows per lead and more).
drop index history_kind_at;
create index history_kind_at on history (kind, at, subject_type, subject_id, reason);
