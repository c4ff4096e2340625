-- Open deals by owner, for the reports of open deals and the board.
-- The reports of open deals (the pipeline, its stage counts, the board's column totals, the
-- forecast) read, for a caller who sees a few owners' deals (a rep, a team's manager), one
-- range of this index per owner and one of the unowned deals (`push_open_deals` in
-- `reports.rs`), rather than every open deal of the company in `opportunities_open`: a rep's
-- 4,500 open deals at a million leads, not 61,000. It holds every column those reports read,
-- as `opportunities_open` does, led by the owner.
create index opportunities_open_owner on opportunities (owner_id, stage, currency,
    forecast_category, expected_close_date, product, amount_minor, predicted_win_bp, created_at,
    updated_at, last_activity_at, lead_id, lead_source, lead_campaign, lead_country, id)
    where status = 'open';

-- The board's columns as a rep or a team's manager sees them: each stage's first cards,
-- newest first, are one range per owner (closed deals sit in the closed stages).
create index opportunities_owner_stage on opportunities (owner_id, stage, created_at, id);
