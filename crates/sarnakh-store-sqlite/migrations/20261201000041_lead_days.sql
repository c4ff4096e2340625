-- The dashboard and the sources report count the period's cohort: its leads, how many of them
-- became prospects, opportunities and customers (a won deal), and why the disqualified ones
-- were disqualified. At a million leads 90 days are some 120,000 leads, read from an index for
-- every dashboard (about a third of its time). Periods are whole UTC days, so the store keeps
-- the cohort's counts per UTC day of creation, source and disqualification reason, and a
-- report for a caller who sees every lead sums a few rows per day. (Kept per owner and team
-- too, the counts were 277,000 rows for a million leads and 90 days still 34,000 of them; a
-- rep's or a team's cohort, a smaller part, is read from the leads' indexes as before.) The
-- deals' counts per day and the open deals' sums follow below.
--
-- The triggers below keep the counts with every write of a lead on every path (capture,
-- edits, assignment, the playbook's moves, import, merge): a lead's old row is taken out
-- and its new one put in, in the same transaction, and a row that counts no lead any more is
-- removed. A key column cannot be null: `disqualified` is 1 for a disqualified lead, whose
-- `reason` is its reason ('' for none), and 0 with `reason` '' for every other.
create table lead_days (
    day text not null,
    source text not null,
    disqualified integer not null,
    reason text not null,
    leads integer not null,
    prospects integer not null,
    opportunities integer not null,
    -- Leads with at least one won deal.
    won integer not null,
    primary key (day, source, disqualified, reason)
) without rowid;

insert into lead_days (day, source, disqualified, reason, leads, prospects, opportunities, won)
select substr(created_at, 1, 10), source, status = 'disqualified',
       case when status = 'disqualified' then coalesce(disqualify_reason, '') else '' end,
       count(*), count(qualified_at), count(converted_at),
       count(*) filter (where exists (select 1 from opportunities o
                                       where o.lead_id = leads.id and o.status = 'won'))
  from leads
 group by 1, 2, 3, 4;

-- A new lead has no deal yet (a deal references its lead).
create trigger lead_days_insert after insert on leads
begin
    insert into lead_days (day, source, disqualified, reason, leads, prospects, opportunities, won)
    values (substr(new.created_at, 1, 10), new.source, new.status = 'disqualified',
            case when new.status = 'disqualified' then coalesce(new.disqualify_reason, '') else '' end,
            1, new.qualified_at is not null, new.converted_at is not null, 0)
    on conflict (day, source, disqualified, reason) do update
       set leads = leads + 1,
           prospects = prospects + excluded.prospects,
           opportunities = opportunities + excluded.opportunities;
end;

create trigger lead_days_update after update of created_at, source, status, disqualify_reason,
    qualified_at, converted_at on leads
when old.created_at is not new.created_at or old.source is not new.source
  or old.status is not new.status or old.disqualify_reason is not new.disqualify_reason
  or old.qualified_at is not new.qualified_at or old.converted_at is not new.converted_at
begin
    update lead_days
       set leads = leads - 1,
           prospects = prospects - (old.qualified_at is not null),
           opportunities = opportunities - (old.converted_at is not null),
           won = won - exists (select 1 from opportunities o where o.lead_id = old.id and o.status = 'won')
     where day = substr(old.created_at, 1, 10) and source = old.source
       and disqualified = (old.status = 'disqualified')
       and reason = case when old.status = 'disqualified' then coalesce(old.disqualify_reason, '') else '' end;
    insert into lead_days (day, source, disqualified, reason, leads, prospects, opportunities, won)
    values (substr(new.created_at, 1, 10), new.source, new.status = 'disqualified',
            case when new.status = 'disqualified' then coalesce(new.disqualify_reason, '') else '' end,
            1, new.qualified_at is not null, new.converted_at is not null,
            exists (select 1 from opportunities o where o.lead_id = new.id and o.status = 'won'))
    on conflict (day, source, disqualified, reason) do update
       set leads = leads + 1,
           prospects = prospects + excluded.prospects,
           opportunities = opportunities + excluded.opportunities,
           won = won + excluded.won;
    delete from lead_days
     where day = substr(old.created_at, 1, 10) and source = old.source
       and disqualified = (old.status = 'disqualified')
       and reason = case when old.status = 'disqualified' then coalesce(old.disqualify_reason, '') else '' end
       and leads = 0;
end;

create trigger lead_days_delete after delete on leads
begin
    update lead_days
       set leads = leads - 1,
           prospects = prospects - (old.qualified_at is not null),
           opportunities = opportunities - (old.converted_at is not null),
           won = won - exists (select 1 from opportunities o where o.lead_id = old.id and o.status = 'won')
     where day = substr(old.created_at, 1, 10) and source = old.source
       and disqualified = (old.status = 'disqualified')
       and reason = case when old.status = 'disqualified' then coalesce(old.disqualify_reason, '') else '' end;
    delete from lead_days
     where day = substr(old.created_at, 1, 10) and source = old.source
       and disqualified = (old.status = 'disqualified')
       and reason = case when old.status = 'disqualified' then coalesce(old.disqualify_reason, '') else '' end
       and leads = 0;
end;

-- The deals' counts per UTC day, for the same reports: `deal_close_days` per day of closing
-- (win/loss, and the won deals of the forecast and its accuracy), `deal_cohort_days` per day
-- of their lead's creation (the cohort's revenue and loss reasons). Both count the won and
-- lost deals with their amounts, per source of their lead ('' for a deal without a lead),
-- currency and status; the cohort's also per loss reason ('' for none and for won deals).
create table deal_close_days (
    day text not null,
    status text not null,
    source text not null,
    currency text not null,
    deals integer not null,
    amount_minor integer not null,
    primary key (day, status, source, currency)
) without rowid;

create table deal_cohort_days (
    day text not null,
    status text not null,
    source text not null,
    currency text not null,
    reason text not null,
    deals integer not null,
    amount_minor integer not null,
    primary key (day, status, source, currency, reason)
) without rowid;

insert into deal_close_days (day, status, source, currency, deals, amount_minor)
select substr(closed_at, 1, 10), status, coalesce(lead_source, ''), currency, count(*),
       sum(amount_minor)
  from opportunities
 where status in ('won', 'lost') and closed_at is not null
 group by 1, 2, 3, 4;

insert into deal_cohort_days (day, status, source, currency, reason, deals, amount_minor)
select substr(lead_created_at, 1, 10), status, coalesce(lead_source, ''), currency,
       case when status = 'lost' then coalesce(loss_reason, '') else '' end, count(*),
       sum(amount_minor)
  from opportunities
 where status in ('won', 'lost') and lead_id is not null and lead_created_at is not null
 group by 1, 2, 3, 4, 5;

-- The forecast sums the open deals per stage, currency, own category and expected close day
-- (61,000 open deals at a million leads, 11,000 such sums): `open_deal_days` keeps those
-- sums ('' for no category or no day).
create table open_deal_days (
    stage text not null,
    currency text not null,
    category text not null,
    day text not null,
    deals integer not null,
    amount_minor integer not null,
    primary key (stage, currency, category, day)
) without rowid;

insert into open_deal_days (stage, currency, category, day, deals, amount_minor)
select stage, currency, coalesce(forecast_category, ''), coalesce(expected_close_date, ''),
       count(*), sum(amount_minor)
  from opportunities
 where status = 'open'
 group by 1, 2, 3, 4;

-- A deal's rows are taken out (`old`) and put in (`new`) by each write; a lead's count of won
-- deals changes when its first deal is won or its last won deal is not any more.
create trigger deal_days_insert after insert on opportunities
begin
    insert into deal_close_days (day, status, source, currency, deals, amount_minor)
    select substr(new.closed_at, 1, 10), new.status, coalesce(new.lead_source, ''),
           new.currency, 1, new.amount_minor
     where new.status in ('won', 'lost') and new.closed_at is not null
    on conflict (day, status, source, currency) do update
       set deals = deals + 1, amount_minor = amount_minor + excluded.amount_minor;
    insert into deal_cohort_days (day, status, source, currency, reason, deals, amount_minor)
    select substr(new.lead_created_at, 1, 10), new.status, coalesce(new.lead_source, ''),
           new.currency, case when new.status = 'lost' then coalesce(new.loss_reason, '') else '' end,
           1, new.amount_minor
     where new.status in ('won', 'lost') and new.lead_id is not null
       and new.lead_created_at is not null
    on conflict (day, status, source, currency, reason) do update
       set deals = deals + 1, amount_minor = amount_minor + excluded.amount_minor;
    insert into open_deal_days (stage, currency, category, day, deals, amount_minor)
    select new.stage, new.currency, coalesce(new.forecast_category, ''),
           coalesce(new.expected_close_date, ''), 1, new.amount_minor
     where new.status = 'open'
    on conflict (stage, currency, category, day) do update
       set deals = deals + 1, amount_minor = amount_minor + excluded.amount_minor;
    update lead_days set won = won + 1
     where new.status = 'won'
       and not exists (select 1 from opportunities o
                        where o.lead_id = new.lead_id and o.status = 'won' and o.id <> new.id)
       and (day, source, disqualified, reason) =
           (select substr(l.created_at, 1, 10), l.source, l.status = 'disqualified',
                   case when l.status = 'disqualified' then coalesce(l.disqualify_reason, '') else '' end
              from leads l where l.id = new.lead_id);
end;

create trigger deal_days_update after update of status, closed_at, lead_id, lead_source,
    lead_created_at, currency, amount_minor, loss_reason, stage, forecast_category,
    expected_close_date on opportunities
when old.status is not new.status or old.closed_at is not new.closed_at
  or old.stage is not new.stage or old.forecast_category is not new.forecast_category
  or old.expected_close_date is not new.expected_close_date
  or old.lead_id is not new.lead_id or old.lead_source is not new.lead_source
  or old.lead_created_at is not new.lead_created_at or old.currency is not new.currency
  or old.amount_minor is not new.amount_minor or old.loss_reason is not new.loss_reason
begin
    update deal_close_days
       set deals = deals - 1, amount_minor = amount_minor - old.amount_minor
     where old.status in ('won', 'lost') and old.closed_at is not null
       and day = substr(old.closed_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency;
    insert into deal_close_days (day, status, source, currency, deals, amount_minor)
    select substr(new.closed_at, 1, 10), new.status, coalesce(new.lead_source, ''),
           new.currency, 1, new.amount_minor
     where new.status in ('won', 'lost') and new.closed_at is not null
    on conflict (day, status, source, currency) do update
       set deals = deals + 1, amount_minor = amount_minor + excluded.amount_minor;
    delete from deal_close_days
     where old.status in ('won', 'lost') and old.closed_at is not null
       and day = substr(old.closed_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency and deals = 0;
    update deal_cohort_days
       set deals = deals - 1, amount_minor = amount_minor - old.amount_minor
     where old.status in ('won', 'lost') and old.lead_id is not null
       and old.lead_created_at is not null
       and day = substr(old.lead_created_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency
       and reason = case when old.status = 'lost' then coalesce(old.loss_reason, '') else '' end;
    insert into deal_cohort_days (day, status, source, currency, reason, deals, amount_minor)
    select substr(new.lead_created_at, 1, 10), new.status, coalesce(new.lead_source, ''),
           new.currency, case when new.status = 'lost' then coalesce(new.loss_reason, '') else '' end,
           1, new.amount_minor
     where new.status in ('won', 'lost') and new.lead_id is not null
       and new.lead_created_at is not null
    on conflict (day, status, source, currency, reason) do update
       set deals = deals + 1, amount_minor = amount_minor + excluded.amount_minor;
    delete from deal_cohort_days
     where old.status in ('won', 'lost') and old.lead_id is not null
       and old.lead_created_at is not null
       and day = substr(old.lead_created_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency
       and reason = case when old.status = 'lost' then coalesce(old.loss_reason, '') else '' end
       and deals = 0;
    update open_deal_days
       set deals = deals - 1, amount_minor = amount_minor - old.amount_minor
     where old.status = 'open' and stage = old.stage and currency = old.currency
       and category = coalesce(old.forecast_category, '')
       and day = coalesce(old.expected_close_date, '');
    insert into open_deal_days (stage, currency, category, day, deals, amount_minor)
    select new.stage, new.currency, coalesce(new.forecast_category, ''),
           coalesce(new.expected_close_date, ''), 1, new.amount_minor
     where new.status = 'open'
    on conflict (stage, currency, category, day) do update
       set deals = deals + 1, amount_minor = amount_minor + excluded.amount_minor;
    delete from open_deal_days
     where old.status = 'open' and stage = old.stage and currency = old.currency
       and category = coalesce(old.forecast_category, '')
       and day = coalesce(old.expected_close_date, '') and deals = 0;
    -- The old lead: won before (this deal as it was, or another) against won now.
    update lead_days
       set won = won
           + (exists (select 1 from opportunities o
                       where o.lead_id = old.lead_id and o.status = 'won' and o.id <> old.id)
              or (new.lead_id is old.lead_id and new.status = 'won'))
           - (exists (select 1 from opportunities o
                       where o.lead_id = old.lead_id and o.status = 'won' and o.id <> old.id)
              or old.status = 'won')
     where (old.status = 'won') <> (new.status = 'won' and new.lead_id is old.lead_id)
       and (day, source, disqualified, reason) =
           (select substr(l.created_at, 1, 10), l.source, l.status = 'disqualified',
                   case when l.status = 'disqualified' then coalesce(l.disqualify_reason, '') else '' end
              from leads l where l.id = old.lead_id);
    -- Another lead: won now by this deal alone.
    update lead_days set won = won + 1
     where new.lead_id is not old.lead_id and new.status = 'won'
       and not exists (select 1 from opportunities o
                        where o.lead_id = new.lead_id and o.status = 'won' and o.id <> new.id)
       and (day, source, disqualified, reason) =
           (select substr(l.created_at, 1, 10), l.source, l.status = 'disqualified',
                   case when l.status = 'disqualified' then coalesce(l.disqualify_reason, '') else '' end
              from leads l where l.id = new.lead_id);
end;

create trigger deal_days_delete after delete on opportunities
begin
    update deal_close_days
       set deals = deals - 1, amount_minor = amount_minor - old.amount_minor
     where old.status in ('won', 'lost') and old.closed_at is not null
       and day = substr(old.closed_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency;
    delete from deal_close_days
     where old.status in ('won', 'lost') and old.closed_at is not null
       and day = substr(old.closed_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency and deals = 0;
    update deal_cohort_days
       set deals = deals - 1, amount_minor = amount_minor - old.amount_minor
     where old.status in ('won', 'lost') and old.lead_id is not null
       and old.lead_created_at is not null
       and day = substr(old.lead_created_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency
       and reason = case when old.status = 'lost' then coalesce(old.loss_reason, '') else '' end;
    delete from deal_cohort_days
     where old.status in ('won', 'lost') and old.lead_id is not null
       and old.lead_created_at is not null
       and day = substr(old.lead_created_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency
       and reason = case when old.status = 'lost' then coalesce(old.loss_reason, '') else '' end
       and deals = 0;
    update open_deal_days
       set deals = deals - 1, amount_minor = amount_minor - old.amount_minor
     where old.status = 'open' and stage = old.stage and currency = old.currency
       and category = coalesce(old.forecast_category, '')
       and day = coalesce(old.expected_close_date, '');
    delete from open_deal_days
     where old.status = 'open' and stage = old.stage and currency = old.currency
       and category = coalesce(old.forecast_category, '')
       and day = coalesce(old.expected_close_date, '') and deals = 0;
    update lead_days set won = won - 1
     where old.status = 'won'
       and not exists (select 1 from opportunities o where o.lead_id = old.lead_id and o.status = 'won')
       and (day, source, disqualified, reason) =
           (select substr(l.created_at, 1, 10), l.source, l.status = 'disqualified',
                   case when l.status = 'disqualified' then coalesce(l.disqualify_reason, '') else '' end
              from leads l where l.id = old.lead_id);
end;
