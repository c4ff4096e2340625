//! Binding a whole row at once into a multi-row `insert ... values (...), (...)` built with
//! sqlx's `QueryBuilder::push_values`, for the batch writes of imports: one statement per few
//! hundred rows instead of one per row. Macros, because the binder type differs per database.

/// Rows per multi-row insert; SQLite allows 32,766 bound values per statement, and the
/// widest row (a lead) has 36.
pub const ROWS_PER_STATEMENT: usize = 500;

/// Pushes the 14 columns of `history` before `seq` (see `HISTORY_COLUMNS`) for one entry.
#[macro_export]
macro_rules! bind_history {
    ($b:expr, $h:expr) => {{
        let h: &sarnakh_core::domain::HistoryEntry = $h;
        $b.push_bind(h.id.as_uuid())
            .push_bind(h.subject.kind())
            .push_bind(h.subject.uuid())
            .push_bind(h.kind.clone())
            .push_bind(h.from.clone())
            .push_bind(h.to.clone())
            .push_bind(h.reason.clone())
            .push_bind(h.note.clone())
            .push_bind(h.related.map(|r| r.kind()))
            .push_bind(h.related.map(|r| r.uuid()))
            .push_bind(h.actor_id.map(|a| a.as_uuid()))
            .push_bind(h.at)
            .push_bind(h.token_id.map(|t| t.as_uuid()))
            .push_bind(h.playbook_version);
    }};
}

/// Pushes every column of a new lead row (`LEAD_COLUMNS`, then `sort_name`, `search`);
/// `$products` is the products value as the database stores it.
#[macro_export]
macro_rules! bind_lead {
    ($b:expr, $l:expr, $products:expr) => {{
        let l: &sarnakh_core::domain::Lead = $l;
        let (f, p) = (&l.fields, &l.fields.person);
        $b.push_bind(l.id.as_uuid())
            .push_bind(p.first_name.clone())
            .push_bind(p.last_name.clone())
            .push_bind(p.email.as_ref().map(|e| e.as_str().to_owned()))
            .push_bind(p.phone.as_ref().map(|p| p.as_str().to_owned()))
            .push_bind(p.job_title.clone())
            .push_bind(f.company.clone())
            .push_bind(f.country.clone())
            .push_bind(f.source.as_str())
            .push_bind(f.campaign.clone())
            .push_bind($products)
            .push_bind(f.notes.clone())
            .push_bind(f.company_size)
            .push_bind(f.industry.clone())
            .push_bind(f.need.clone())
            .push_bind(f.decision_role.map(|r| r.as_str()))
            .push_bind(f.owner_id.map(|o| o.as_uuid()))
            .push_bind(l.state.stage.as_str())
            .push_bind(l.state.status.as_str())
            .push_bind(l.disqualify_reason.map(|r| r.as_str()))
            .push_bind(l.status_note.clone())
            .push_bind(l.nurture_until)
            .push_bind(l.score)
            .push_bind(l.account_id.map(|a| a.as_uuid()))
            .push_bind(l.contact_id.map(|c| c.as_uuid()))
            .push_bind(l.qualified_at)
            .push_bind(l.converted_at)
            .push_bind(l.created_at)
            .push_bind(l.updated_at)
            .push_bind(l.version)
            .push_bind(l.team_id.map(|t| t.as_uuid()))
            .push_bind(serde_json::to_string(&f.evidence).expect("a map of strings serialises"))
            .push_bind(serde_json::to_string(&l.score_lines).expect("score lines serialise"))
            .push_bind(l.grade.as_str())
            .push_bind($crate::rows::lead_sort_name(l))
            .push_bind($crate::rows::lead_search(l));
    }};
}
