-- The funnel and sources reports count a cohort's (the leads created in a period) won and lost
-- deals. Each deal now keeps its lead's creation time, set by the store with the deal's lead
-- (a lead's created_at never changes; a merge re-points the deals and sets it again), so the
-- cohort's closed deals are one range of `opportunities_cohort`, not one lookup per lead of the
-- cohort or per closed deal of the company.
alter table opportunities add column lead_created_at timestamptz;
update opportunities o
   set lead_created_at = l.created_at
  from leads l
 where l.id = o.lead_id;
create index opportunities_cohort on opportunities (lead_created_at, status) include (lead_id,
    owner_id, product, currency, amount_minor, loss_reason, created_at, closed_at, id);
