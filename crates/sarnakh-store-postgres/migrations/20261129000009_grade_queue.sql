-- The prospect review queue: leads of one grade, newest first.
create index leads_grade_created on leads (grade, created_at, id);
