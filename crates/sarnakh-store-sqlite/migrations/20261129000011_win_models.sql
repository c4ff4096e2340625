-- Predictive win models, one row per training: the chosen model (JSON), the held-out
-- figures of both algorithms (JSON), and how much closed history it learnt from. The
-- newest row is the model in force on every server instance.

create table win_models (
    version integer primary key,
    algorithm text not null,
    model text not null,
    metrics text not null,
    examples integer not null,
    won integer not null,
    trained_at text not null,
    trained_by blob references users (id)
);
