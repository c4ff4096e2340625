-- Every lookup of a lead by email compares lower(email) and is served by leads_email_lower
-- (migration 7); the plain index on email served none, and cost every capture, import and
-- edit one more index entry in random order.
drop index if exists leads_email;
