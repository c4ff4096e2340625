//! The statements of the look-alike check that every capture runs, the same on both
//! databases. Each part must stay on an index: a capture reads them once per lead, so a
//! scan here makes capture as slow as the tables are big (SQLite's plan test in
//! `sarnakh-store-sqlite` checks it). Parameters of [`people`]: `$1` the email, `$2` the
//! phone, `$3` the company, `$4` the company's name key, `$5` the limit of each half.

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

/// Leads not merged away (alias `p`).
const LIVE: &str = "not (p.status = 'disqualified' and p.disqualify_reason = 'duplicate')";

/// Leads with the same email or phone, or at the same company: one `or` of three indexed
/// lookups (SQLite: `MULTI-INDEX OR`).
fn leads() -> String {
    format!(
        "select 'lead' as kind, {} from leads p where {LIVE} and \
         ((p.email is not null and lower(p.email) = lower($1)) \
         or (p.phone is not null and p.phone = $2) \
         or (p.company is not null and lower(p.company) = lower($3))) limit $5",
        lead_columns("p")
    )
}

/// Contacts with the same email or phone, or of the account with the company's name key:
/// three lookups joined by `union`, since an `or` across the two tables would read every
/// contact.
fn contacts() -> String {
    let contact = "select 'contact' as kind, c.id as p_id, c.first_name as p_first_name, \
         c.last_name as p_last_name, c.email as p_email, c.phone as p_phone, a.name as p_company, \
         a.owner_id as p_owner_id, cast(null as uuid) as p_team_id \
         from contacts c join accounts a on a.id = c.account_id where";
    format!(
        "{contact} c.email is not null and lower(c.email) = lower($1) \
         union {contact} c.phone is not null and c.phone = $2 \
         union {contact} a.name_key = $4 limit $5"
    )
}

/// The leads and contacts like a person, in one statement (columns `kind` = `lead` or
/// `contact`, then `p_id`, `p_first_name` ... as [`lead_columns`] names them for `p`), at
/// most `$5` of each. Built once: every capture runs it.
pub fn people() -> &'static str {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "select * from ({}) as lead_hits union all select * from ({}) as contact_hits",
            leads(),
            contacts()
        )
    });
    &SQL
}
