-- Rule-based lead scoring: versioned rules (JSON), and each lead's breakdown (JSON: which
-- rule gave how many points) and grade beside its score.

create table scoring_rules (
    version bigint primary key,
    rules text not null,
    created_at timestamptz not null,
    created_by uuid references users (id)
);

alter table leads add column score_lines text not null default '[]';
alter table leads add column grade text not null default 'd';
