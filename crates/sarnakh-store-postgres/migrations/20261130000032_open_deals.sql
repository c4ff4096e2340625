-- The pipeline report, the pipeline board, the dashboard and the forecast read every open deal
-- (at a million leads with 300,000 deals, about 61,000). This index holds every column those
-- reports read, filter or group by, in the pipeline's order (stage, currency).
create index opportunities_open on opportunities (stage, currency) include (owner_id, product,
    amount_minor, predicted_win_bp, forecast_category, expected_close_date, created_at,
    updated_at, lead_id, id) where status = 'open';
