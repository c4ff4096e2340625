-- The pipeline report, the pipeline board, the dashboard and the forecast read every open deal
-- (at a million leads with 300,000 deals, about 61,000). `opportunities_status_expected` finds
-- them but holds none of what they sum, so each deal was read from the table: 0.29 s for the
-- pipeline's sums in `sqlite3`, most of the rest the stuck-deal check (an activity lookup per
-- open deal). Each deal now keeps the time of its latest activity (set by the store with every
-- activity logged on it; activities are never edited or moved between deals), and this index
-- holds every column those reports read, filter or group by, in the pipeline's order (stage,
-- currency). SQLite picks it only when asked (`indexed by`): without statistics it prefers the
-- equality on `status`.
alter table opportunities add column last_activity_at text;
update opportunities
   set last_activity_at = (select max(a.occurred_at) from activities a
                            where a.subject_type = 'opportunity' and a.subject_id = opportunities.id);
create index opportunities_open on opportunities (stage, currency, owner_id, product,
    amount_minor, predicted_win_bp, forecast_category, expected_close_date, created_at,
    updated_at, last_activity_at, lead_id, id) where status = 'open';
