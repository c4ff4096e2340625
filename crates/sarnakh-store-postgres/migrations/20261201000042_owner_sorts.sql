-- A rep's or a team manager's list is read as one part per visible owner (and one for the
-- unowned rows), each the first page of an index range in the list's order, then merged
-- (`list_query.rs`). The capture-time order has `leads_owner_created` and
-- `opportunities_owner_created`; these serve the other orders a list offers, so that sorting
-- by score, name, last change or amount does not sort every row a rep owns (75,000 leads
-- at a million). The leads' team is kept in the index for the unowned part's queue check.
create index leads_owner_score on leads (owner_id, score, id, team_id);
create index leads_owner_updated on leads (owner_id, updated_at, id, team_id);
create index leads_owner_name on leads (owner_id, sort_name, id, team_id);
create index opportunities_owner_updated on opportunities (owner_id, updated_at, id);
create index opportunities_owner_amount on opportunities (owner_id, amount_minor, id);
