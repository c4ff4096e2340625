-- Reports (insight): the indexes the report queries need beyond the list indexes.
-- The other report reads use existing indexes: leads_created (funnel cohort and activity
-- "leads" counts: created_at in the period), opportunities_lead (a lead's won deals),
-- history_kind_at (disqualifications in the period), opportunities_status_created (open
-- deals of the pipeline) and activities_subject (a deal's latest activity: stuck deals).

-- Funnel, activity mode: leads qualified in the period; time spent as a lead.
create index leads_qualified on leads (qualified_at);

-- Funnel, activity mode: leads converted in the period; time spent as a prospect.
create index leads_converted on leads (converted_at);

-- Funnel (activity mode: deals won or lost in the period), win/loss (deals closed in the
-- period, loss reasons, sales cycle lengths).
create index opportunities_status_closed on opportunities (status, closed_at);
