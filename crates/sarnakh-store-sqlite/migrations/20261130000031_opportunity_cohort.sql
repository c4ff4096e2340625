-- The funnel and sources reports count a cohort's (the leads created in a period) won and lost
-- deals. Each deal now keeps its lead's creation time, set by the store with the deal's lead
-- (a lead's created_at never changes; a merge re-points the deals and sets it again), so the
-- cohort's closed deals are one range of `opportunities_cohort`, not one lookup per lead of the
-- cohort or per closed deal of the company (at a million leads with 300,000 deals, a 90-day
-- cohort took 200-300 ms that way).
alter table opportunities add column lead_created_at text;
update opportunities
   set lead_created_at = (select l.created_at from leads l where l.id = opportunities.lead_id)
 where lead_id is not null;
create index opportunities_cohort on opportunities (lead_created_at, status, lead_id, owner_id,
    product, currency, amount_minor, loss_reason, cycle_secs, id);
