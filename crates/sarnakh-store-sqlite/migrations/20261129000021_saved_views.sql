-- Saved views: a user's named filters of a list (the list page's query string), shown as
-- links above that list; only their owner reads them. The unique index serves the one
-- read (one user's views of one list, by name) and makes "save again" a replace.

create table saved_views (
    id blob primary key,
    user_id blob not null references users (id),
    list text not null,
    name text not null,
    query text not null,
    created_at text not null,
    unique (user_id, list, name)
);
