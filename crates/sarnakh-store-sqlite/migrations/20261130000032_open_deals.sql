-- The pipeline report, the pipeline board, the dashboard and the forecast read every open deal
-- (at a million leads with 300,000 deals, about 61,000). `opportunities_status_expected` finds
-- them but holds none of what they sum, so each deal was read from the table: 0.29 s for the
-- pipeline's sums in `sqlite3`. This index holds every column those reports read, filter or
-- group by, in the pipeline's order (stage, currency): 0.09 s, most of it the stuck-deal check.
-- SQLite picks it only when asked (`indexed by`): without statistics it prefers the equality
-- on `status`.
create index opportunities_open on opportunities (stage, currency, owner_id, product,
    amount_minor, predicted_win_bp, forecast_category, expected_close_date, created_at,
    updated_at, lead_id, id) where status = 'open';
