-- The pipeline report, the pipeline board, the dashboard and the forecast read every open deal
-- (at a million leads with 300,000 deals, about 61,000). Each deal now keeps the time of its
-- latest activity (set by the store with every activity logged on it; activities are never
-- edited or moved between deals), for the pipeline's stuck-deal check, and this index holds
-- every column those reports read, filter or group by, in the pipeline's order (stage,
-- currency).
alter table opportunities add column last_activity_at timestamptz;
update opportunities o
   set last_activity_at = a.latest
  from (select subject_id, max(occurred_at) as latest from activities
         where subject_type = 'opportunity' group by subject_id) a
 where a.subject_id = o.id;
create index opportunities_open on opportunities (stage, currency) include (owner_id, product,
    amount_minor, predicted_win_bp, forecast_category, expected_close_date, created_at,
    updated_at, last_activity_at, lead_id, id) where status = 'open';
