-- The funnel's closed deals are counted by their lead's owner and team (a grouping or filter
-- by owner, and every caller who sees only part of the leads: a rep, a manager). The deal pass
-- looked up each deal's lead for them. Each deal now also keeps a copy of its lead's owner and
-- team, like the lead's source (migration 33): the store sets them with the deal's lead
-- (insert, edit, merge), and this trigger follows every later change of the lead's owner or
-- team, on every write path (assignment, import, a user's new team).
alter table opportunities add column lead_owner_id uuid;
alter table opportunities add column lead_team_id uuid;
update opportunities o
   set lead_owner_id = l.owner_id, lead_team_id = l.team_id
  from leads l
 where l.id = o.lead_id;

create function sarnakh_lead_owner_to_deals() returns trigger language plpgsql as $$
begin
    update opportunities
       set lead_owner_id = new.owner_id, lead_team_id = new.team_id
     where lead_id = new.id;
    return null;
end
$$;
create trigger leads_owner_to_deals after update of owner_id, team_id on leads
    for each row
    when (old.owner_id is distinct from new.owner_id or old.team_id is distinct from new.team_id)
    execute function sarnakh_lead_owner_to_deals();

-- The funnel's deal indexes hold the copies, so the funnel reads no lead.
drop index opportunities_status_closed;
create index opportunities_status_closed on opportunities (status, closed_at) include (lead_id,
    owner_id, product, currency, amount_minor, created_at, loss_reason, lead_source,
    lead_campaign, lead_country, lead_owner_id, lead_team_id);
drop index opportunities_cohort;
create index opportunities_cohort on opportunities (lead_created_at, status) include (lead_id,
    owner_id, product, currency, amount_minor, loss_reason, created_at, closed_at, lead_source,
    lead_campaign, lead_country, lead_owner_id, lead_team_id, id);
