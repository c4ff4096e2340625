-- Two report reads that sorted or built long lists now walk an index in order.
--
-- The forecast read the open deals twice (those of its periods, and the overdue and undated
-- ones), each time sorting them by period, stage, category and currency. It now sums them once
-- per stage, currency, own category and expected close day, which this order of
-- `opportunities_open` gives without a sort (the pipeline's grouping by stage and currency
-- still reads it in order), and regroups the days' sums per period. Same columns as before.
drop index opportunities_open;
create index opportunities_open on opportunities (stage, currency, forecast_category,
    expected_close_date, owner_id, product, amount_minor, predicted_win_bp, created_at,
    updated_at, last_activity_at, lead_id, lead_source, lead_campaign, lead_country, id)
    where status = 'open';

-- A cohort's disqualification reasons were a list of every disqualified lead's reason,
-- built in the pass over all of the cohort's leads. They are now counted by one read of the
-- cohort's disqualified leads, which this index holds with every column a lead filter or a
-- caller's visibility reads (its leading columns serve the lead list by status as before).
drop index leads_status_created;
create index leads_status_created on leads (status, created_at, id, disqualify_reason,
    owner_id, team_id, source, campaign, country);
