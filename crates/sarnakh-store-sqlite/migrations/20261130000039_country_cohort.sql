-- Reports grouped by country (the cohort funnel, the activity funnel's new leads) sorted the
-- period's leads, like the groupings by source, owner and campaign before migrations 36 to 38:
-- a year of a million leads is half a million rows to sort. This index leads with the country and holds
-- every column a cohort pass reads, so they walk it one country at a time, in country order
-- (the leads without a country in a statement of their own), and sort nothing. A report
-- filtered by one country reads one range of it. PostgreSQL groups by hash and has no such
-- index.
create index leads_country_created on leads (country, created_at, id, owner_id, team_id,
    status, source, campaign, disqualify_reason, lead_secs, prospect_secs, convert_secs,
    contact_secs);
