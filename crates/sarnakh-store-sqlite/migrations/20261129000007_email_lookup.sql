-- Searching for a whole email address is an exact, case-insensitive lookup served by this
-- index instead of a scan of every lead.
create index leads_email_lower on leads (lower(email));
