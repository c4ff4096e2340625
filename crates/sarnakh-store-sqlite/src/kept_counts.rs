//! The counts per UTC day that triggers keep beside the records (migrations
//! `20261201000041_lead_days.sql`, the company's, and `20261201000044_kept_counts_by_owner.sql`,
//! the same per owner and queue), each with the recount from the records it must equal.
//! `sarnakh check` compares every table with its recount; the bench's generator, which sets
//! the triggers aside during its bulk load, fills each table from its recount.

/// A table of kept counts: its columns, and the recount from the records that yields them.
#[derive(Debug, Clone, Copy)]
pub struct KeptCounts {
    /// The table.
    pub table: &'static str,
    /// Its columns, key first.
    pub columns: &'static str,
    /// A `select` of the same columns from the records (the migration's own aggregate).
    pub recount: &'static str,
}

/// Every table of kept counts.
pub const KEPT_COUNTS: &[KeptCounts] = &[
    KeptCounts {
        table: "lead_days",
        columns: "day, source, disqualified, reason, leads, prospects, opportunities, won",
        recount: "select substr(created_at, 1, 10), source, status = 'disqualified', \
             case when status = 'disqualified' then coalesce(disqualify_reason, '') else '' end, \
             count(*), count(qualified_at), count(converted_at), \
             count(*) filter (where exists (select 1 from opportunities o \
                                             where o.lead_id = leads.id and o.status = 'won')) \
             from leads group by 1, 2, 3, 4",
    },
    KeptCounts {
        table: "deal_close_days",
        columns: "day, status, source, currency, deals, amount_minor",
        recount: "select substr(closed_at, 1, 10), status, coalesce(lead_source, ''), currency, \
             count(*), sum(amount_minor) from opportunities \
             where status in ('won', 'lost') and closed_at is not null group by 1, 2, 3, 4",
    },
    KeptCounts {
        table: "deal_cohort_days",
        columns: "day, status, source, currency, reason, deals, amount_minor",
        recount: "select substr(lead_created_at, 1, 10), status, coalesce(lead_source, ''), \
             currency, case when status = 'lost' then coalesce(loss_reason, '') else '' end, \
             count(*), sum(amount_minor) from opportunities \
             where status in ('won', 'lost') and lead_id is not null \
               and lead_created_at is not null \
             group by 1, 2, 3, 4, 5",
    },
    KeptCounts {
        table: "open_deal_days",
        columns: "stage, currency, category, day, deals, amount_minor",
        recount: "select stage, currency, coalesce(forecast_category, ''), \
             coalesce(expected_close_date, ''), count(*), sum(amount_minor) \
             from opportunities where status = 'open' group by 1, 2, 3, 4",
    },
    KeptCounts {
        table: "lead_days_by_owner",
        columns: "owner_key, queue_key, day, source, disqualified, reason, leads, prospects, \
             opportunities, won",
        recount: "select coalesce(owner_id, zeroblob(16)), \
             case when owner_id is null then coalesce(team_id, zeroblob(16)) else zeroblob(16) end, \
             substr(created_at, 1, 10), source, status = 'disqualified', \
             case when status = 'disqualified' then coalesce(disqualify_reason, '') else '' end, \
             count(*), count(qualified_at), count(converted_at), \
             count(*) filter (where exists (select 1 from opportunities o \
                                             where o.lead_id = leads.id and o.status = 'won')) \
             from leads group by 1, 2, 3, 4, 5, 6",
    },
    KeptCounts {
        table: "deal_close_days_by_owner",
        columns: "owner_key, day, status, source, currency, deals, amount_minor",
        recount: "select coalesce(owner_id, zeroblob(16)), substr(closed_at, 1, 10), status, \
             coalesce(lead_source, ''), currency, count(*), sum(amount_minor) from opportunities \
             where status in ('won', 'lost') and closed_at is not null group by 1, 2, 3, 4, 5",
    },
    KeptCounts {
        table: "deal_cohort_days_by_owner",
        columns: "owner_key, queue_key, day, status, source, currency, reason, deals, amount_minor",
        recount: "select coalesce(lead_owner_id, zeroblob(16)), \
             case when lead_owner_id is null then coalesce(lead_team_id, zeroblob(16)) \
                  else zeroblob(16) end, \
             substr(lead_created_at, 1, 10), status, coalesce(lead_source, ''), currency, \
             case when status = 'lost' then coalesce(loss_reason, '') else '' end, \
             count(*), sum(amount_minor) from opportunities \
             where status in ('won', 'lost') and lead_id is not null \
               and lead_created_at is not null \
             group by 1, 2, 3, 4, 5, 6, 7",
    },
    KeptCounts {
        table: "open_deal_days_by_owner",
        columns: "owner_key, stage, currency, category, day, deals, amount_minor",
        recount: "select coalesce(owner_id, zeroblob(16)), stage, currency, \
             coalesce(forecast_category, ''), coalesce(expected_close_date, ''), count(*), \
             sum(amount_minor) from opportunities where status = 'open' group by 1, 2, 3, 4, 5",
    },
];

impl KeptCounts {
    /// `select` of the rows that are kept and not recounted, plus those recounted and not
    /// kept (a kept row that counts nothing is one of them): zero when the table is right.
    pub fn differences_sql(&self) -> String {
        let (t, c, r) = (self.table, self.columns, self.recount);
        format!(
            "select (select count(*) from (select {c} from {t} except {r})) \
             + (select count(*) from ({r} except select {c} from {t}))"
        )
    }

    /// `insert` of the recount into the (empty) table.
    pub fn fill_sql(&self) -> String {
        format!(
            "insert into {} ({}) {}",
            self.table, self.columns, self.recount
        )
    }
}
