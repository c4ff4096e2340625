-- The audit trail: history rows get a store-wide increasing sequence number and the API
-- token used, edits record each changed field with its old and new value, and both
-- tables become append-only (triggers refuse any update or delete, whatever the path).

alter table history add column seq integer;
alter table history add column token_id blob references api_tokens (id);

-- Number the rows written before this migration in time order.
update history set seq = (
    select count(*) from history earlier where (earlier.at, earlier.id) <= (history.at, history.id)
);

create unique index history_seq on history (seq);

create table history_changes (
    history_id blob not null references history (id),
    position integer not null,
    field text not null,
    old_value text,
    new_value text,
    primary key (history_id, position)
);

create trigger history_no_update before update on history
begin
    select raise(abort, 'history is append-only');
end;

create trigger history_no_delete before delete on history
begin
    select raise(abort, 'history is append-only');
end;

create trigger history_changes_no_update before update on history_changes
begin
    select raise(abort, 'history is append-only');
end;

create trigger history_changes_no_delete before delete on history_changes
begin
    select raise(abort, 'history is append-only');
end;
