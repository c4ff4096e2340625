-- Each open deal's win probability from the win model in force, in basis points (0-10000),
-- and the model version that gave it. A derived value written by the prediction job after
-- each training and on the rescoring schedule (no version change, no history); null until
-- a model exists. The pipeline report weights open deals by it, falling back to the stage
-- probability (its sums read the deals through opportunities_status_created).
alter table opportunities add column predicted_win_bp integer check (predicted_win_bp between 0 and 10000);
alter table opportunities add column predicted_model_version integer;
