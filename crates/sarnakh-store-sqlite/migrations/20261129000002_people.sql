-- People and safety: teams, user profile and credentials, API tokens, browser sessions.
-- Secrets are never stored: passwords as argon2id PHC strings, tokens and session ids as
-- SHA-256 digests.

create table teams (
    id blob primary key,
    name text not null unique,
    created_at text not null
);

alter table users add column team_id blob references teams (id);
alter table users add column locale text not null default 'en';
alter table users add column time_zone text not null default 'UTC';
alter table users add column password_hash text;
alter table users add column disabled_at text;
alter table users add column version integer not null default 1;

-- Team member lists (a manager's visibility).
create index users_team on users (team_id);

-- The team queue an unassigned lead waits in.
alter table leads add column team_id blob references teams (id);
create index leads_team_owner on leads (team_id, owner_id);

create table api_tokens (
    id blob primary key,
    user_id blob not null references users (id),
    name text not null,
    token_hash blob not null unique,
    prefix text not null,
    scope text not null check (scope in ('read', 'write')),
    created_at text not null,
    last_used_at text,
    revoked_at text
);

-- A user's token list.
create index api_tokens_user on api_tokens (user_id, created_at);

create table sessions (
    id_hash blob primary key,
    user_id blob not null references users (id),
    created_at text not null,
    last_seen_at text not null,
    expires_at text not null,
    revoked_at text
);

create index sessions_user on sessions (user_id);
