-- The activity report counts the period's activities per rep and kind: over a year at a million
-- leads about 2.5 million activities, sorted to be grouped (3.4 s). Periods are whole UTC days
-- and activities are only ever added, so the store keeps the counts per UTC day, owner and kind
-- with each activity it writes (`insert_activity_in`), and the report sums a few rows per day.
-- A key column cannot be null: an activity without an owner counts under the nil id.
create table activity_days (
    day text not null,
    owner_key blob not null,
    kind text not null,
    n integer not null,
    primary key (day, owner_key, kind)
) without rowid;
insert into activity_days (day, owner_key, kind, n)
select substr(occurred_at, 1, 10), coalesce(owner_id, zeroblob(16)), kind, count(*)
  from activities
 group by 1, 2, 3;
