-- Reports grouped by campaign (the sources report's campaign view, the funnel by campaign)
-- sorted the period's leads, like the groupings by source and owner before migrations 36 and
-- 37. This index leads with the campaign and holds every column a cohort pass reads, so they
-- walk it one campaign at a time, in campaign order (the leads without a campaign in a
-- statement of their own), and sort nothing. It also serves a lead list filtered by campaign,
-- newest first. PostgreSQL groups by hash and has no such index.
create index leads_campaign_created on leads (campaign, created_at, id, owner_id, team_id,
    status, source, country, disqualify_reason, lead_secs, prospect_secs, convert_secs,
    contact_secs);
