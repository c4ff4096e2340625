-- Deal reports grouped or filtered by a lead's source, campaign or country (the pipeline by
-- source, win/loss by source, the funnel's and the sources report's closed deals) looked up
-- each deal's lead. Each deal now keeps a copy of those three facts of its lead, like
-- `lead_created_at`: the store sets them with the deal's lead (insert, edit, merge), and this
-- trigger follows every edit of the lead on every write path (API, web, import, CLI).
alter table opportunities add column lead_source text;
alter table opportunities add column lead_campaign text;
alter table opportunities add column lead_country text;
update opportunities o
   set lead_source = l.source, lead_campaign = l.campaign, lead_country = l.country
  from leads l
 where l.id = o.lead_id;

create function sarnakh_lead_facts_to_deals() returns trigger language plpgsql as $$
begin
    update opportunities
       set lead_source = new.source, lead_campaign = new.campaign, lead_country = new.country
     where lead_id = new.id;
    return null;
end
$$;
create trigger leads_facts_to_deals after update of source, campaign, country on leads
    for each row
    when (old.source is distinct from new.source or old.campaign is distinct from new.campaign
          or old.country is distinct from new.country)
    execute function sarnakh_lead_facts_to_deals();

-- The report indexes hold the copies, so the reports read no lead.
drop index opportunities_status_closed;
create index opportunities_status_closed on opportunities (status, closed_at) include (lead_id,
    owner_id, product, currency, amount_minor, created_at, loss_reason, lead_source,
    lead_campaign, lead_country);
drop index opportunities_cohort;
create index opportunities_cohort on opportunities (lead_created_at, status) include (lead_id,
    owner_id, product, currency, amount_minor, loss_reason, created_at, closed_at, lead_source,
    lead_campaign, lead_country, id);
drop index opportunities_open;
create index opportunities_open on opportunities (stage, currency) include (owner_id, product,
    amount_minor, predicted_win_bp, forecast_category, expected_close_date, created_at,
    updated_at, last_activity_at, lead_id, lead_source, lead_campaign, lead_country, id)
    where status = 'open';
