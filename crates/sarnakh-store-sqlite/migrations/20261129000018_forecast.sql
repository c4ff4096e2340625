-- Forecast (insight): forecast categories, stored forecast snapshots and targets.

-- Each stage gives its open deals a default forecast category (pipeline, best_case,
-- commit); won deals are always `closed`, lost ones `omitted`. Existing stages get a
-- default from their probability: 80 % and up commit, 40 % and up best case.
alter table pipeline_stages add column forecast_category text;
update pipeline_stages set forecast_category = case
    when kind = 'won' then 'closed'
    when kind = 'lost' then 'omitted'
    when probability >= 80 then 'commit'
    when probability >= 40 then 'best_case'
    else 'pipeline' end;

-- A rep's own call on one open deal, overriding its stage's default (null: the stage's).
alter table opportunities add column forecast_category text;

-- Forecast: open deals by expected close date (the bucketed sums filter on status and
-- the date); opportunities_status_closed serves the won deals of each bucket.
create index opportunities_status_expected on opportunities (status, expected_close_date);

-- One forecast snapshot per day at most: what the pipeline promised when it was taken.
-- Taken on a schedule by `sarnakh serve` (weekly by default) or by hand; forecast
-- accuracy compares a period's snapshot with what then closed.
create table forecast_snapshots (
    id blob primary key,
    taken_on text not null unique,
    taken_at text not null,
    taken_by blob references users (id),
    horizon_from text not null,
    horizon_to text not null,
    deals integer not null
);

-- The snapshot's sums per owner, month and category and currency: open deals by the month
-- of their expected close date, won deals (category `closed`) by the month they closed in
-- (from the start of the snapshot's quarter). Weighted sums are amount x stage
-- probability, in hundredths of minor units. Accuracy reads one snapshot's lines
-- (primary key prefix).
create table forecast_snapshot_lines (
    snapshot_id blob not null references forecast_snapshots (id) on delete cascade,
    owner_id blob references users (id),
    month text not null,
    category text not null,
    currency text not null,
    deals integer not null,
    amount_minor integer not null,
    weighted_centi_minor integer not null
);
create index forecast_snapshot_lines_snapshot on forecast_snapshot_lines (snapshot_id, month);

-- What a period should bring: per month or quarter, for the whole company, a team or an
-- owner (at most one of team and owner).
create table forecast_targets (
    id blob primary key,
    period_kind text not null check (period_kind in ('month', 'quarter')),
    starts_on text not null,
    team_id blob references teams (id),
    owner_id blob references users (id),
    amount_minor integer not null check (amount_minor >= 0),
    currency text not null,
    set_at text not null,
    set_by blob references users (id),
    check (team_id is null or owner_id is null)
);
create unique index forecast_targets_scope on forecast_targets (
    period_kind, starts_on, coalesce(team_id, x'00000000000000000000000000000000'),
    coalesce(owner_id, x'00000000000000000000000000000000'));
