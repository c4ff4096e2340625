-- Round-robin positions of the lead assignment rules (the rules themselves are a setting),
-- and the activity lookup that finds each lead's first contact for the speed-to-lead clock.

create table assignment_turns (
    rule text primary key,
    turns integer not null
);

create index activities_subject_kind on activities (subject_type, subject_id, kind, occurred_at);
