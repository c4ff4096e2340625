//! The statements of the look-alike check that every capture runs, the same on both
//! databases. Each part must stay on an index: a capture reads them once per lead, so a
//! scan here makes capture as slow as the tables are big (SQLite's plan test in
//! `sarnakh-store-sqlite` checks it). Parameters: `$1` the email, `$2` the phone, `$3` the
//! company (contacts: its name key), `$4` the limit.

use std::sync::LazyLock;

/// The lead's columns a look-alike needs, named `{alias}_{column}`.
pub fn lead_columns(alias: &str) -> String {
    [
        "id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "company",
        "owner_id",
        "team_id",
    ]
    .iter()
    .map(|c| format!("{alias}.{c} as {alias}_{c}"))
    .collect::<Vec<_>>()
    .join(", ")
}

/// Leads not merged away (alias `l`).
const LIVE: &str = "not (l.status = 'disqualified' and l.disqualify_reason = 'duplicate')";

/// Leads with the same email or phone, or at the same company (built once: every capture
/// runs it).
pub fn leads() -> &'static str {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "select {} from leads l where {LIVE} and ((l.email is not null and lower(l.email) = lower($1)) \
         or (l.phone is not null and l.phone = $2) or (l.company is not null and lower(l.company) = lower($3))) limit $4",
            lead_columns("l")
        )
    });
    &SQL
}

/// Contacts with the same email or phone, or of the account with the company's name key:
/// three lookups, since an `or` across the two tables would read every contact.
pub fn contacts() -> &'static str {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        let contact = "select c.id as c_id, c.first_name as c_first_name, c.last_name as c_last_name, \
                   c.email as c_email, c.phone as c_phone, a.name as c_company, a.owner_id as c_owner_id, \
                   null as c_team_id from contacts c join accounts a on a.id = c.account_id where";
        format!(
            "{contact} c.email is not null and lower(c.email) = lower($1) \
             union {contact} c.phone is not null and c.phone = $2 \
             union {contact} a.name_key = $3 limit $4"
        )
    });
    &SQL
}
