//! The lifecycle limit: the rows a journey writes (lead updates, account, contact, deal,
//! stage moves, close, history), written raw with one transaction per step, as the
//! application does, but without reading anything back first.

use crate::datagen::records::HistoryRow;
use crate::datagen::rows::history_insert_sql;
use crate::db::{RawDb, Stmt, Value};
use anyhow::{Context, Result};
use chrono::{SubsecRound, Utc};
use sarnakh_core::domain::text::match_key;
use uuid::Uuid;

/// A qualifiable open lead.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Id.
    pub id: Uuid,
    /// First name, last name, email, phone, job title.
    pub person: [Option<String>; 5],
    /// Company (always given).
    pub company: String,
}

impl Candidate {
    /// From `(id, [first_name, last_name, email, phone, job_title, company])`.
    pub fn from_row((id, mut cols): (Uuid, Vec<Option<String>>)) -> Result<Self> {
        cols.resize(6, None);
        let company = cols[5].take().context("a candidate lead has no company")?;
        let person = [
            cols[0].take(),
            cols[1].take(),
            cols[2].take(),
            cols[3].take(),
            cols[4].take(),
        ];
        Ok(Self {
            id,
            person,
            company,
        })
    }
}

/// Who writes: the database kind (how history is numbered) and the bench's identity.
#[derive(Debug, Clone)]
pub struct Who {
    /// True on SQLite.
    pub sqlite: bool,
    /// The admin user.
    pub actor_id: Uuid,
    /// Its API token.
    pub token_id: Uuid,
}

fn history(
    who: &Who,
    subject: (&'static str, Uuid),
    kind: &'static str,
    from: &str,
    to: &str,
) -> Stmt {
    let row = HistoryRow {
        id: Uuid::now_v7(),
        subject_type: subject.0,
        subject_id: subject.1,
        kind,
        from: (!from.is_empty()).then(|| from.to_owned()),
        to: Some(to.to_owned()),
        reason: None,
        note: None,
        related: None,
        at: Utc::now().trunc_subsecs(6),
        actor_id: Some(who.actor_id),
        token_id: Some(who.token_id),
    };
    Stmt::new(history_insert_sql(who.sqlite), row.values())
}

fn now() -> Value {
    Value::Time(Utc::now().trunc_subsecs(6))
}

/// Qualify, convert, three stage moves and a close of `lead`, six transactions.
pub async fn journey(raw: &RawDb, lead: &Candidate, won: bool, who: &Who) -> Result<()> {
    let id = lead.id;
    raw.run_tx(&[
        Stmt::new(
            "update leads set stage = 'prospect', qualified_at = $2, updated_at = $2, version = version + 1 where id = $1",
            vec![Value::Uuid(id), now()],
        ),
        history(who, ("lead", id), "qualified", "lead/open", "prospect/open"),
    ])
    .await?;
    let key = match_key(&lead.company);
    let (contact, opp) = (Uuid::now_v7(), Uuid::now_v7());
    let account = "(select id from accounts where name_key = $2)";
    let [first, last, email, phone, title] = lead.person.clone();
    let search = [
        first.as_deref(),
        last.as_deref(),
        email.as_deref(),
        phone.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase();
    raw.run_tx(&[
        Stmt::new(
            "insert into accounts (id, name, name_key, created_at, updated_at, version) values ($1, $3, $2, $4, $4, 1) on conflict (name_key) do nothing",
            vec![Value::Uuid(Uuid::now_v7()), Value::Text(key.clone()), Value::Text(lead.company.clone()), now()],
        ),
        Stmt::new(
            format!("insert into contacts (id, account_id, lead_id, first_name, last_name, email, phone, job_title, created_at, version, search) values ($1, {account}, $3, $4, $5, $6, $7, $8, $9, 1, $10)"),
            vec![
                Value::Uuid(contact), Value::Text(key.clone()), Value::Uuid(id), Value::Text(first.unwrap_or_default()),
                Value::OptText(last), Value::OptText(email), Value::OptText(phone), Value::OptText(title), now(), Value::Text(search),
            ],
        ),
        Stmt::new(
            format!("update leads set stage = 'converted', status = 'converted', account_id = {account}, contact_id = $3, converted_at = $4, updated_at = $4, version = version + 1 where id = $1"),
            vec![Value::Uuid(id), Value::Text(key.clone()), Value::Uuid(contact), now()],
        ),
        Stmt::new(
            format!("insert into opportunities (id, account_id, contact_id, lead_id, name, product, amount_minor, currency, stage, status, created_at, updated_at, version, search, lead_created_at, lead_source, lead_campaign, lead_country, lead_owner_id, lead_team_id) values ($1, {account}, $3, $4, $5, 'CRM Pro', 1250000, 'EUR', 'qualify', 'open', $6, $6, 1, $7, (select created_at from leads where id = $4), (select source from leads where id = $4), (select campaign from leads where id = $4), (select country from leads where id = $4), (select owner_id from leads where id = $4), (select team_id from leads where id = $4))"),
            vec![
                Value::Uuid(opp), Value::Text(key), Value::Uuid(contact), Value::Uuid(id),
                Value::Text(format!("{} - CRM Pro", lead.company)), now(), Value::Text(format!("{} - crm pro crm pro", lead.company.to_lowercase())),
            ],
        ),
        history(who, ("lead", id), "converted", "prospect/open", "converted/converted"),
        history(who, ("opportunity", opp), "created", "", "qualify"),
    ])
    .await?;
    let mut from = "qualify";
    for stage in ["discovery", "demo", "proposal"] {
        raw.run_tx(&[
            Stmt::new(
                "update opportunities set stage = $2, updated_at = $3, version = version + 1 where id = $1",
                vec![Value::Uuid(opp), Value::Str(stage), now()],
            ),
            history(who, ("opportunity", opp), "stage_changed", from, stage),
        ])
        .await?;
        from = stage;
    }
    let (outcome, reason) = if won {
        ("won", None)
    } else {
        ("lost", Some("price"))
    };
    let mut close = vec![
        Stmt::new(
            "update opportunities set stage = $2, status = $2, loss_reason = $3, closed_at = $4, updated_at = $4, version = version + 1 where id = $1",
            vec![
                Value::Uuid(opp),
                Value::Str(outcome),
                Value::OptStr(reason),
                now(),
            ],
        ),
        history(who, ("opportunity", opp), outcome, from, outcome),
    ];
    if won {
        close.push(Stmt::new(
            "update accounts set customer_since = $2, updated_at = $2, version = version + 1 where id = (select account_id from opportunities where id = $1) and customer_since is null",
            vec![Value::Uuid(opp), now()],
        ));
    }
    raw.run_tx(&close).await?;
    Ok(())
}
