-- Failed sign-ins, kept briefly to throttle guessing per client address and per
-- account-and-address pair (shared by every app instance). Rows older than the window are
-- deleted as new ones arrive.

create table login_failures (
    key text not null,
    at text not null
);

-- Counting recent failures for one key.
create index login_failures_key_at on login_failures (key, at);
