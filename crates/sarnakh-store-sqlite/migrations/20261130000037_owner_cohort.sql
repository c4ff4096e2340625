-- Like the source index (migration 36), the owner index now holds every column a cohort pass
-- reads (team, status, source, campaign, country, the disqualification reason, the spans) and
-- each lead's first contact, so the funnel and the sources of a cohort grouped by owner, and the
-- activity report's speed-to-lead list (always per owner), walk it one owner at a time in owner
-- order and sort nothing (SQLite has no hash grouping: a year of a million leads sorted
-- 500,000 rows). Its prefix (owner_id, created_at, id) still serves the lead list filtered by
-- owner. PostgreSQL groups by hash and keeps its index.
drop index leads_owner_created;
create index leads_owner_created on leads (owner_id, created_at, id, team_id, status, source,
    campaign, country, disqualify_reason, lead_secs, prospect_secs, convert_secs, contact_secs,
    first_contact_at);
