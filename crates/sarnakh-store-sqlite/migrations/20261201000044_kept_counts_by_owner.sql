-- The cohort's and the closed deals' counts per UTC day (migration 41) kept a second time per
-- owner, so they answer a rep's and a team manager's dashboard and reports as the company's
-- counts answer an administrator's: a rep's cohort read 90 days of the company's leads from
-- the indexes (about 120,000 rows at a million leads) to count the 20,000 the rep may see.
-- The key leads with the owner whose visibility applies and, for an unowned lead, its queue
-- (the team whose reps see it; `push_visibility`): `lead_days_by_owner` and
-- `deal_cohort_days_by_owner` by the lead's owner and queue, `deal_close_days_by_owner` by the
-- deal's owner (a deal has no queue). A caller reads one range per owner they see and one per
-- queue of the unowned leads (`push_kept_conditions`), a few thousand rows for 90 days, where
-- the same counts in one table led by the day made every read sum the company's 34,000 rows
-- (an administrator's 3 ms became 11 ms). The open deals' sums per stage, currency, category
-- and expected close day are kept per owner too (`open_deal_days_by_owner`): the forecast and
-- the board's totals of a rep read their few hundred sums, not their thousands of open deals.
-- A key column cannot be null: no owner and no queue are the nil id, and an owned lead's queue
-- is nil (it does not matter).
--
-- The triggers below keep these counts beside the company's with every write of a lead or a
-- deal, and follow a change of owner or queue too (assignment, release to a queue, a deal
-- handed over).

create table lead_days_by_owner (
    day text not null,
    source text not null,
    disqualified integer not null,
    reason text not null,
    owner_key blob not null,
    queue_key blob not null,
    leads integer not null,
    prospects integer not null,
    opportunities integer not null,
    -- Leads with at least one won deal.
    won integer not null,
    primary key (owner_key, queue_key, day, source, disqualified, reason)
) without rowid;

insert into lead_days_by_owner (day, source, disqualified, reason, owner_key, queue_key, leads, prospects,
                       opportunities, won)
select substr(created_at, 1, 10), source, status = 'disqualified',
       case when status = 'disqualified' then coalesce(disqualify_reason, '') else '' end,
       coalesce(owner_id, zeroblob(16)),
       case when owner_id is null then coalesce(team_id, zeroblob(16)) else zeroblob(16) end,
       count(*), count(qualified_at), count(converted_at),
       count(*) filter (where exists (select 1 from opportunities o
                                       where o.lead_id = leads.id and o.status = 'won'))
  from leads
 group by 1, 2, 3, 4, 5, 6;

create table deal_close_days_by_owner (
    day text not null,
    status text not null,
    source text not null,
    currency text not null,
    owner_key blob not null,
    deals integer not null,
    amount_minor integer not null,
    primary key (owner_key, day, status, source, currency)
) without rowid;

insert into deal_close_days_by_owner (day, status, source, currency, owner_key, deals, amount_minor)
select substr(closed_at, 1, 10), status, coalesce(lead_source, ''), currency,
       coalesce(owner_id, zeroblob(16)), count(*), sum(amount_minor)
  from opportunities
 where status in ('won', 'lost') and closed_at is not null
 group by 1, 2, 3, 4, 5;

create table deal_cohort_days_by_owner (
    day text not null,
    status text not null,
    source text not null,
    currency text not null,
    reason text not null,
    owner_key blob not null,
    queue_key blob not null,
    deals integer not null,
    amount_minor integer not null,
    primary key (owner_key, queue_key, day, status, source, currency, reason)
) without rowid;

insert into deal_cohort_days_by_owner (day, status, source, currency, reason, owner_key, queue_key, deals,
                              amount_minor)
select substr(lead_created_at, 1, 10), status, coalesce(lead_source, ''), currency,
       case when status = 'lost' then coalesce(loss_reason, '') else '' end,
       coalesce(lead_owner_id, zeroblob(16)),
       case when lead_owner_id is null then coalesce(lead_team_id, zeroblob(16)) else zeroblob(16) end,
       count(*), sum(amount_minor)
  from opportunities
 where status in ('won', 'lost') and lead_id is not null and lead_created_at is not null
 group by 1, 2, 3, 4, 5, 6, 7;

create table open_deal_days_by_owner (
    owner_key blob not null,
    stage text not null,
    currency text not null,
    category text not null,
    day text not null,
    deals integer not null,
    amount_minor integer not null,
    primary key (owner_key, stage, currency, category, day)
) without rowid;

insert into open_deal_days_by_owner (owner_key, stage, currency, category, day, deals, amount_minor)
select coalesce(owner_id, zeroblob(16)), stage, currency, coalesce(forecast_category, ''),
       coalesce(expected_close_date, ''), count(*), sum(amount_minor)
  from opportunities
 where status = 'open'
 group by 1, 2, 3, 4, 5;

-- A new lead has no deal yet (a deal references its lead).
create trigger lead_days_by_owner_insert after insert on leads
begin
    insert into lead_days_by_owner (day, source, disqualified, reason, owner_key, queue_key, leads,
                           prospects, opportunities, won)
    values (substr(new.created_at, 1, 10), new.source, new.status = 'disqualified',
            case when new.status = 'disqualified' then coalesce(new.disqualify_reason, '') else '' end,
            coalesce(new.owner_id, zeroblob(16)),
            case when new.owner_id is null then coalesce(new.team_id, zeroblob(16)) else zeroblob(16) end,
            1, new.qualified_at is not null, new.converted_at is not null, 0)
    on conflict (day, source, disqualified, reason, owner_key, queue_key) do update
       set leads = leads + 1,
           prospects = prospects + excluded.prospects,
           opportunities = opportunities + excluded.opportunities;
end;

create trigger lead_days_by_owner_update after update of created_at, source, status, disqualify_reason,
    qualified_at, converted_at, owner_id, team_id on leads
when old.created_at is not new.created_at or old.source is not new.source
  or old.status is not new.status or old.disqualify_reason is not new.disqualify_reason
  or old.qualified_at is not new.qualified_at or old.converted_at is not new.converted_at
  or old.owner_id is not new.owner_id
  or (new.owner_id is null and old.team_id is not new.team_id)
begin
    update lead_days_by_owner
       set leads = leads - 1,
           prospects = prospects - (old.qualified_at is not null),
           opportunities = opportunities - (old.converted_at is not null),
           won = won - exists (select 1 from opportunities o where o.lead_id = old.id and o.status = 'won')
     where day = substr(old.created_at, 1, 10) and source = old.source
       and disqualified = (old.status = 'disqualified')
       and reason = case when old.status = 'disqualified' then coalesce(old.disqualify_reason, '') else '' end
       and owner_key = coalesce(old.owner_id, zeroblob(16))
       and queue_key = case when old.owner_id is null then coalesce(old.team_id, zeroblob(16)) else zeroblob(16) end;
    insert into lead_days_by_owner (day, source, disqualified, reason, owner_key, queue_key, leads,
                           prospects, opportunities, won)
    values (substr(new.created_at, 1, 10), new.source, new.status = 'disqualified',
            case when new.status = 'disqualified' then coalesce(new.disqualify_reason, '') else '' end,
            coalesce(new.owner_id, zeroblob(16)),
            case when new.owner_id is null then coalesce(new.team_id, zeroblob(16)) else zeroblob(16) end,
            1, new.qualified_at is not null, new.converted_at is not null,
            exists (select 1 from opportunities o where o.lead_id = new.id and o.status = 'won'))
    on conflict (day, source, disqualified, reason, owner_key, queue_key) do update
       set leads = leads + 1,
           prospects = prospects + excluded.prospects,
           opportunities = opportunities + excluded.opportunities,
           won = won + excluded.won;
    delete from lead_days_by_owner
     where day = substr(old.created_at, 1, 10) and source = old.source
       and disqualified = (old.status = 'disqualified')
       and reason = case when old.status = 'disqualified' then coalesce(old.disqualify_reason, '') else '' end
       and owner_key = coalesce(old.owner_id, zeroblob(16))
       and queue_key = case when old.owner_id is null then coalesce(old.team_id, zeroblob(16)) else zeroblob(16) end
       and leads = 0;
end;

create trigger lead_days_by_owner_delete after delete on leads
begin
    update lead_days_by_owner
       set leads = leads - 1,
           prospects = prospects - (old.qualified_at is not null),
           opportunities = opportunities - (old.converted_at is not null),
           won = won - exists (select 1 from opportunities o where o.lead_id = old.id and o.status = 'won')
     where day = substr(old.created_at, 1, 10) and source = old.source
       and disqualified = (old.status = 'disqualified')
       and reason = case when old.status = 'disqualified' then coalesce(old.disqualify_reason, '') else '' end
       and owner_key = coalesce(old.owner_id, zeroblob(16))
       and queue_key = case when old.owner_id is null then coalesce(old.team_id, zeroblob(16)) else zeroblob(16) end;
    delete from lead_days_by_owner
     where day = substr(old.created_at, 1, 10) and source = old.source
       and disqualified = (old.status = 'disqualified')
       and reason = case when old.status = 'disqualified' then coalesce(old.disqualify_reason, '') else '' end
       and owner_key = coalesce(old.owner_id, zeroblob(16))
       and queue_key = case when old.owner_id is null then coalesce(old.team_id, zeroblob(16)) else zeroblob(16) end
       and leads = 0;
end;

-- A deal's rows are taken out (`old`) and put in (`new`) by each write; a lead's count of won
-- deals changes when its first deal is won or its last won deal is not any more (its row of
-- `lead_days_by_owner` is found by the lead's own key). The company's tables keep their own
-- triggers (migration 41).
create trigger deal_owner_days_insert after insert on opportunities
begin
    insert into deal_close_days_by_owner (day, status, source, currency, owner_key, deals, amount_minor)
    select substr(new.closed_at, 1, 10), new.status, coalesce(new.lead_source, ''),
           new.currency, coalesce(new.owner_id, zeroblob(16)), 1, new.amount_minor
     where new.status in ('won', 'lost') and new.closed_at is not null
    on conflict (day, status, source, currency, owner_key) do update
       set deals = deals + 1, amount_minor = amount_minor + excluded.amount_minor;
    insert into deal_cohort_days_by_owner (day, status, source, currency, reason, owner_key, queue_key,
                                  deals, amount_minor)
    select substr(new.lead_created_at, 1, 10), new.status, coalesce(new.lead_source, ''),
           new.currency, case when new.status = 'lost' then coalesce(new.loss_reason, '') else '' end,
           coalesce(new.lead_owner_id, zeroblob(16)),
           case when new.lead_owner_id is null then coalesce(new.lead_team_id, zeroblob(16)) else zeroblob(16) end,
           1, new.amount_minor
     where new.status in ('won', 'lost') and new.lead_id is not null
       and new.lead_created_at is not null
    on conflict (day, status, source, currency, reason, owner_key, queue_key) do update
       set deals = deals + 1, amount_minor = amount_minor + excluded.amount_minor;
    insert into open_deal_days_by_owner (owner_key, stage, currency, category, day, deals, amount_minor)
    select coalesce(new.owner_id, zeroblob(16)), new.stage, new.currency,
           coalesce(new.forecast_category, ''), coalesce(new.expected_close_date, ''), 1,
           new.amount_minor
     where new.status = 'open'
    on conflict (owner_key, stage, currency, category, day) do update
       set deals = deals + 1, amount_minor = amount_minor + excluded.amount_minor;
    update lead_days_by_owner set won = won + 1
     where new.status = 'won'
       and not exists (select 1 from opportunities o
                        where o.lead_id = new.lead_id and o.status = 'won' and o.id <> new.id)
       and (day, source, disqualified, reason, owner_key, queue_key) =
           (select substr(l.created_at, 1, 10), l.source, l.status = 'disqualified',
                   case when l.status = 'disqualified' then coalesce(l.disqualify_reason, '') else '' end,
                   coalesce(l.owner_id, zeroblob(16)),
                   case when l.owner_id is null then coalesce(l.team_id, zeroblob(16)) else zeroblob(16) end
              from leads l where l.id = new.lead_id);
end;

create trigger deal_owner_days_update after update of status, closed_at, lead_id, lead_source,
    lead_created_at, currency, amount_minor, loss_reason, stage, forecast_category,
    expected_close_date, owner_id, lead_owner_id, lead_team_id on opportunities
when old.status is not new.status or old.closed_at is not new.closed_at
  or old.stage is not new.stage or old.forecast_category is not new.forecast_category
  or old.expected_close_date is not new.expected_close_date
  or old.lead_id is not new.lead_id or old.lead_source is not new.lead_source
  or old.lead_created_at is not new.lead_created_at or old.currency is not new.currency
  or old.amount_minor is not new.amount_minor or old.loss_reason is not new.loss_reason
  or old.owner_id is not new.owner_id or old.lead_owner_id is not new.lead_owner_id
  or (new.lead_owner_id is null and old.lead_team_id is not new.lead_team_id)
begin
    update deal_close_days_by_owner
       set deals = deals - 1, amount_minor = amount_minor - old.amount_minor
     where old.status in ('won', 'lost') and old.closed_at is not null
       and day = substr(old.closed_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency
       and owner_key = coalesce(old.owner_id, zeroblob(16));
    insert into deal_close_days_by_owner (day, status, source, currency, owner_key, deals, amount_minor)
    select substr(new.closed_at, 1, 10), new.status, coalesce(new.lead_source, ''),
           new.currency, coalesce(new.owner_id, zeroblob(16)), 1, new.amount_minor
     where new.status in ('won', 'lost') and new.closed_at is not null
    on conflict (day, status, source, currency, owner_key) do update
       set deals = deals + 1, amount_minor = amount_minor + excluded.amount_minor;
    delete from deal_close_days_by_owner
     where old.status in ('won', 'lost') and old.closed_at is not null
       and day = substr(old.closed_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency
       and owner_key = coalesce(old.owner_id, zeroblob(16)) and deals = 0;
    update deal_cohort_days_by_owner
       set deals = deals - 1, amount_minor = amount_minor - old.amount_minor
     where old.status in ('won', 'lost') and old.lead_id is not null
       and old.lead_created_at is not null
       and day = substr(old.lead_created_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency
       and reason = case when old.status = 'lost' then coalesce(old.loss_reason, '') else '' end
       and owner_key = coalesce(old.lead_owner_id, zeroblob(16))
       and queue_key = case when old.lead_owner_id is null then coalesce(old.lead_team_id, zeroblob(16)) else zeroblob(16) end;
    insert into deal_cohort_days_by_owner (day, status, source, currency, reason, owner_key, queue_key,
                                  deals, amount_minor)
    select substr(new.lead_created_at, 1, 10), new.status, coalesce(new.lead_source, ''),
           new.currency, case when new.status = 'lost' then coalesce(new.loss_reason, '') else '' end,
           coalesce(new.lead_owner_id, zeroblob(16)),
           case when new.lead_owner_id is null then coalesce(new.lead_team_id, zeroblob(16)) else zeroblob(16) end,
           1, new.amount_minor
     where new.status in ('won', 'lost') and new.lead_id is not null
       and new.lead_created_at is not null
    on conflict (day, status, source, currency, reason, owner_key, queue_key) do update
       set deals = deals + 1, amount_minor = amount_minor + excluded.amount_minor;
    delete from deal_cohort_days_by_owner
     where old.status in ('won', 'lost') and old.lead_id is not null
       and old.lead_created_at is not null
       and day = substr(old.lead_created_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency
       and reason = case when old.status = 'lost' then coalesce(old.loss_reason, '') else '' end
       and owner_key = coalesce(old.lead_owner_id, zeroblob(16))
       and queue_key = case when old.lead_owner_id is null then coalesce(old.lead_team_id, zeroblob(16)) else zeroblob(16) end
       and deals = 0;
    update open_deal_days_by_owner
       set deals = deals - 1, amount_minor = amount_minor - old.amount_minor
     where old.status = 'open' and owner_key = coalesce(old.owner_id, zeroblob(16))
       and stage = old.stage and currency = old.currency
       and category = coalesce(old.forecast_category, '')
       and day = coalesce(old.expected_close_date, '');
    insert into open_deal_days_by_owner (owner_key, stage, currency, category, day, deals, amount_minor)
    select coalesce(new.owner_id, zeroblob(16)), new.stage, new.currency,
           coalesce(new.forecast_category, ''), coalesce(new.expected_close_date, ''), 1,
           new.amount_minor
     where new.status = 'open'
    on conflict (owner_key, stage, currency, category, day) do update
       set deals = deals + 1, amount_minor = amount_minor + excluded.amount_minor;
    delete from open_deal_days_by_owner
     where old.status = 'open' and owner_key = coalesce(old.owner_id, zeroblob(16))
       and stage = old.stage and currency = old.currency
       and category = coalesce(old.forecast_category, '')
       and day = coalesce(old.expected_close_date, '') and deals = 0;
    -- The old lead: won before (this deal as it was, or another) against won now.
    update lead_days_by_owner
       set won = won
           + (exists (select 1 from opportunities o
                       where o.lead_id = old.lead_id and o.status = 'won' and o.id <> old.id)
              or (new.lead_id is old.lead_id and new.status = 'won'))
           - (exists (select 1 from opportunities o
                       where o.lead_id = old.lead_id and o.status = 'won' and o.id <> old.id)
              or old.status = 'won')
     where (old.status = 'won') <> (new.status = 'won' and new.lead_id is old.lead_id)
       and (day, source, disqualified, reason, owner_key, queue_key) =
           (select substr(l.created_at, 1, 10), l.source, l.status = 'disqualified',
                   case when l.status = 'disqualified' then coalesce(l.disqualify_reason, '') else '' end,
                   coalesce(l.owner_id, zeroblob(16)),
                   case when l.owner_id is null then coalesce(l.team_id, zeroblob(16)) else zeroblob(16) end
              from leads l where l.id = old.lead_id);
    -- Another lead: won now by this deal alone.
    update lead_days_by_owner set won = won + 1
     where new.lead_id is not old.lead_id and new.status = 'won'
       and not exists (select 1 from opportunities o
                        where o.lead_id = new.lead_id and o.status = 'won' and o.id <> new.id)
       and (day, source, disqualified, reason, owner_key, queue_key) =
           (select substr(l.created_at, 1, 10), l.source, l.status = 'disqualified',
                   case when l.status = 'disqualified' then coalesce(l.disqualify_reason, '') else '' end,
                   coalesce(l.owner_id, zeroblob(16)),
                   case when l.owner_id is null then coalesce(l.team_id, zeroblob(16)) else zeroblob(16) end
              from leads l where l.id = new.lead_id);
end;

create trigger deal_owner_days_delete after delete on opportunities
begin
    update deal_close_days_by_owner
       set deals = deals - 1, amount_minor = amount_minor - old.amount_minor
     where old.status in ('won', 'lost') and old.closed_at is not null
       and day = substr(old.closed_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency
       and owner_key = coalesce(old.owner_id, zeroblob(16));
    delete from deal_close_days_by_owner
     where old.status in ('won', 'lost') and old.closed_at is not null
       and day = substr(old.closed_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency
       and owner_key = coalesce(old.owner_id, zeroblob(16)) and deals = 0;
    update deal_cohort_days_by_owner
       set deals = deals - 1, amount_minor = amount_minor - old.amount_minor
     where old.status in ('won', 'lost') and old.lead_id is not null
       and old.lead_created_at is not null
       and day = substr(old.lead_created_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency
       and reason = case when old.status = 'lost' then coalesce(old.loss_reason, '') else '' end
       and owner_key = coalesce(old.lead_owner_id, zeroblob(16))
       and queue_key = case when old.lead_owner_id is null then coalesce(old.lead_team_id, zeroblob(16)) else zeroblob(16) end;
    delete from deal_cohort_days_by_owner
     where old.status in ('won', 'lost') and old.lead_id is not null
       and old.lead_created_at is not null
       and day = substr(old.lead_created_at, 1, 10) and status = old.status
       and source = coalesce(old.lead_source, '') and currency = old.currency
       and reason = case when old.status = 'lost' then coalesce(old.loss_reason, '') else '' end
       and owner_key = coalesce(old.lead_owner_id, zeroblob(16))
       and queue_key = case when old.lead_owner_id is null then coalesce(old.lead_team_id, zeroblob(16)) else zeroblob(16) end
       and deals = 0;
    update open_deal_days_by_owner
       set deals = deals - 1, amount_minor = amount_minor - old.amount_minor
     where old.status = 'open' and owner_key = coalesce(old.owner_id, zeroblob(16))
       and stage = old.stage and currency = old.currency
       and category = coalesce(old.forecast_category, '')
       and day = coalesce(old.expected_close_date, '');
    delete from open_deal_days_by_owner
     where old.status = 'open' and owner_key = coalesce(old.owner_id, zeroblob(16))
       and stage = old.stage and currency = old.currency
       and category = coalesce(old.forecast_category, '')
       and day = coalesce(old.expected_close_date, '') and deals = 0;
    update lead_days_by_owner set won = won - 1
     where old.status = 'won'
       and not exists (select 1 from opportunities o where o.lead_id = old.lead_id and o.status = 'won')
       and (day, source, disqualified, reason, owner_key, queue_key) =
           (select substr(l.created_at, 1, 10), l.source, l.status = 'disqualified',
                   case when l.status = 'disqualified' then coalesce(l.disqualify_reason, '') else '' end,
                   coalesce(l.owner_id, zeroblob(16)),
                   case when l.owner_id is null then coalesce(l.team_id, zeroblob(16)) else zeroblob(16) end
              from leads l where l.id = old.lead_id);
end;
