-- Pipeline stage settings (issue 7): stages get names per language and can be retired (no
-- deal enters a retired stage; those in it stay until moved), and every change of the stage
-- list is one numbered, append-only version with the stages it set and what changed.
-- Deals per stage (the settings page, the "has deals" check) read opportunities_stage_created.

alter table pipeline_stages add column labels text not null default '{}';
alter table pipeline_stages add column retired_at text;

create table pipeline_versions (
    version integer primary key,
    stages text not null,
    removed text not null,
    changes text not null,
    changed_at text not null,
    changed_by blob references users (id),
    token_id blob references api_tokens (id)
);

create trigger pipeline_versions_no_update before update on pipeline_versions
begin
    select raise(abort, 'the pipeline change log is append-only');
end;

create trigger pipeline_versions_no_delete before delete on pipeline_versions
begin
    select raise(abort, 'the pipeline change log is append-only');
end;

-- The opportunity, account and contact lists' filters (issue 7). Deals by expected close
-- range and by amount range in one currency; accounts by owner, country and industry in name
-- order (also the contacts list's owner filter, through the account); a contact list by
-- account already reads contacts_account.
create index opportunities_expected on opportunities (expected_close_date, created_at, id);
create index opportunities_currency_amount on opportunities (currency, amount_minor, id);
create index accounts_owner_name on accounts (owner_id, name_key, id);
create index accounts_country_name on accounts (country, name_key, id);
create index accounts_industry_name on accounts (industry, name_key, id);
