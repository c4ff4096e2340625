-- The dashboard and the sources report count the period's cohort: its leads, how many of them
-- became prospects and opportunities, and why the disqualified ones were disqualified. At a
-- million leads 90 days are some 120,000 leads, read from an index for every dashboard (about
-- a third of its time). Periods are whole UTC days, so the store keeps the cohort's counts
-- per UTC day of creation, source and disqualification reason, and a report for a caller
-- who sees every lead sums a few rows per day. (Kept per owner and team too, the counts were
-- 277,000 rows for a million leads and 90 days still 34,000 of them; a rep's or a team's
-- cohort, a smaller part, is read from the leads' indexes as before.)
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
    primary key (day, source, disqualified, reason)
) without rowid;

insert into lead_days (day, source, disqualified, reason, leads, prospects, opportunities)
select substr(created_at, 1, 10), source, status = 'disqualified',
       case when status = 'disqualified' then coalesce(disqualify_reason, '') else '' end,
       count(*), count(qualified_at), count(converted_at)
  from leads
 group by 1, 2, 3, 4;

create trigger lead_days_insert after insert on leads
begin
    insert into lead_days (day, source, disqualified, reason, leads, prospects, opportunities)
    values (substr(new.created_at, 1, 10), new.source, new.status = 'disqualified',
            case when new.status = 'disqualified' then coalesce(new.disqualify_reason, '') else '' end,
            1, new.qualified_at is not null, new.converted_at is not null)
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
           opportunities = opportunities - (old.converted_at is not null)
     where day = substr(old.created_at, 1, 10) and source = old.source
       and disqualified = (old.status = 'disqualified')
       and reason = case when old.status = 'disqualified' then coalesce(old.disqualify_reason, '') else '' end;
    insert into lead_days (day, source, disqualified, reason, leads, prospects, opportunities)
    values (substr(new.created_at, 1, 10), new.source, new.status = 'disqualified',
            case when new.status = 'disqualified' then coalesce(new.disqualify_reason, '') else '' end,
            1, new.qualified_at is not null, new.converted_at is not null)
    on conflict (day, source, disqualified, reason) do update
       set leads = leads + 1,
           prospects = prospects + excluded.prospects,
           opportunities = opportunities + excluded.opportunities;
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
           opportunities = opportunities - (old.converted_at is not null)
     where day = substr(old.created_at, 1, 10) and source = old.source
       and disqualified = (old.status = 'disqualified')
       and reason = case when old.status = 'disqualified' then coalesce(old.disqualify_reason, '') else '' end;
    delete from lead_days
     where day = substr(old.created_at, 1, 10) and source = old.source
       and disqualified = (old.status = 'disqualified')
       and reason = case when old.status = 'disqualified' then coalesce(old.disqualify_reason, '') else '' end
       and leads = 0;
end;
