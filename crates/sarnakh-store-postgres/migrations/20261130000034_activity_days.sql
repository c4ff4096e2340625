-- The activity report counts the period's activities per rep and kind: over a year at a million
-- leads about 2.5 million activities. Periods are whole UTC days and activities are only ever
-- added, so the store keeps the counts per UTC day, owner and kind with each activity it writes
-- (`insert_activity_in`), and the report sums a few rows per day. A key column cannot be null:
-- an activity without an owner counts under the nil id.
create table activity_days (
    day date not null,
    owner_key uuid not null,
    kind text not null,
    n bigint not null,
    primary key (day, owner_key, kind)
);
insert into activity_days (day, owner_key, kind, n)
select (occurred_at at time zone 'UTC')::date,
       coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), kind, count(*)
  from activities
 group by 1, 2, 3;
