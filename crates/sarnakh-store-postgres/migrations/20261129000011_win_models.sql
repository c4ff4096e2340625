-- Predictive win models, one row per training: the chosen model (JSON), the held-out
-- figures of both algorithms (JSON), and how much closed history it learnt from. The
-- newest row is the model in force on every server instance.

create table win_models (
    version bigint primary key,
    algorithm text not null,
    model text not null,
    metrics text not null,
    examples bigint not null,
    won bigint not null,
    trained_at timestamptz not null,
    trained_by uuid references users (id)
);
