-- The qualification playbook: versioned rules (JSON, see docs/PLAYBOOK.md), the version that
-- allowed each qualify or convert, and the written checklist evidence on each lead.

create table playbooks (
    version bigint primary key,
    rules text not null,
    created_at timestamptz not null,
    created_by uuid references users (id)
);

alter table history add column playbook_version bigint;

alter table leads add column evidence text not null default '{}';
