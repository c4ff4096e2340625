-- Found by the plan test of the everyday paths (sarnakh-store-sqlite tests/hot_path_plans.rs):
-- the follow-ups' "done" list (completed tasks by due date, everyone's or one owner's) read
-- every task and sorted them, since the open-task indexes start with completed_at; and a lead
-- merge re-pointed its contacts by reading every contact.
create index tasks_done_due on tasks (due_at, id) where completed_at is not null;
create index tasks_owner_done_due on tasks (owner_id, due_at, id) where completed_at is not null;
create index contacts_lead on contacts (lead_id);
