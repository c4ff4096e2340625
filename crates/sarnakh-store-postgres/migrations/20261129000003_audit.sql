-- The audit trail: history rows get a store-wide increasing sequence number and the API
-- token used, edits record each changed field with its old and new value, and both
-- tables become append-only (triggers refuse any update or delete, whatever the path).

create sequence history_seq_source;

alter table history add column seq bigint;
alter table history add column token_id uuid references api_tokens (id);

-- Number the rows written before this migration in time order.
update history set seq = numbered.n
from (select id, row_number() over (order by at, id) as n from history) as numbered
where numbered.id = history.id;

select setval('history_seq_source', coalesce((select max(seq) from history), 0) + 1, false);
alter table history alter column seq set default nextval('history_seq_source');

create unique index history_seq on history (seq);

create table history_changes (
    history_id uuid not null references history (id),
    position integer not null,
    field text not null,
    old_value text,
    new_value text,
    primary key (history_id, position)
);

create function sarnakh_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'history is append-only';
end
$$;

create trigger history_append_only before update or delete on history
    for each row execute function sarnakh_append_only();

create trigger history_changes_append_only before update or delete on history_changes
    for each row execute function sarnakh_append_only();
