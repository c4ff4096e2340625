-- A cohort's disqualification reasons are counted by one read of the cohort's disqualified
-- leads: this index holds every column that read, a lead filter or a caller's visibility
-- reads, so it is answered from the index alone. (SQLite's migration of the same name also
-- reorders `opportunities_open` for the forecast's one pass over the open deals; PostgreSQL
-- groups by hash and keeps its order.)
drop index leads_status_created;
create index leads_status_created on leads (status, created_at, id) include (disqualify_reason,
    owner_id, team_id, source, campaign, country);
