-- Email and calendar (issue 9): each user's mail choices and calendar feed, and the log of
-- mails the background job sends.
--
-- `user_mail_settings` holds one row per user who changed a default: the daily digest is on
-- unless `email_digest` says otherwise, and the calendar feed exists while `calendar_token_hash`
-- (the SHA-256 digest of the secret in the feed's address, never the secret) is set. A table
-- of its own rather than columns on `users`, so the user rows and their readers stay as they are.
--
-- `mail_log` is the once-only gate of every automatic mail: an instance claims
-- (kind, recipient, key) by inserting the row before it sends, so several `sarnakh serve`
-- instances never send the same digest (key: the recipient's local day) or breach alert (key:
-- the lead) twice. The row then records what happened: `sending` (claimed; if the instance
-- dies here the claim expires at `next_attempt_at` and is retried, up to the attempt limit),
-- `sent`, `skipped` (nothing to say), `failed` (retried from `next_attempt_at`) or
-- `abandoned` (attempt limit reached).

create table user_mail_settings (
    user_id blob primary key references users (id),
    email_digest integer not null,
    calendar_token_hash blob unique,
    calendar_token_at text,
    updated_at text not null
);

create table mail_log (
    id blob primary key,
    kind text not null check (kind in ('digest', 'sla_breach')),
    recipient_id blob not null references users (id),
    ref_key text not null,
    status text not null check (status in ('sending', 'sent', 'skipped', 'failed', 'abandoned')),
    attempts integer not null,
    claimed_at text not null,
    next_attempt_at text not null,
    sent_at text,
    last_error text,
    unique (kind, recipient_id, ref_key)
);

-- The job's per-run read of recent rows of one kind.
create index mail_log_kind_claimed on mail_log (kind, claimed_at);
