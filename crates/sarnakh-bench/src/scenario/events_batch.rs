//! The traffic of the events scenario: batches of fresh engagement events for real leads of
//! the generated company, built before a loop starts (not measured), either as the JSON body
//! of `POST /api/v1/events` or as the rows the raw limit inserts. A batch is a run of
//! visitor sessions, one to five events of one lead each, like a tracker's flush; a fifth of
//! the sessions name their lead by email, the rest by id.

use crate::datagen::engagement::kind_and_url;
use crate::db::{RawDb, Stmt, Value};
use anyhow::Result;
use axum::body::Bytes;
use chrono::{DateTime, Duration, SecondsFormat, SubsecRound, Utc};
use fastrand::Rng;
use std::collections::HashSet;
use uuid::Uuid;

/// The statement of the raw limit: the row the adapters insert for one event.
pub const INSERT_EVENT: &str = "insert into events (id, lead_id, kind, url, occurred_at, received_at) \
     values ($1, $2, $3, $4, $5, $6) on conflict (id) do nothing";

/// A generated lead events can name.
#[derive(Debug, Clone)]
pub struct EventLead {
    /// Id.
    pub id: Uuid,
    /// Email, if it has one.
    pub email: Option<String>,
    /// 0 lead, 1 prospect, 2 converted (shapes the event mix).
    pub depth: usize,
}

/// The generated leads: the oldest `scale` leads (leads captured by an earlier scenario are
/// left out, so every event happens after its lead was created).
pub async fn targets(raw: &RawDb, scale: u64) -> Result<Vec<EventLead>> {
    let limit = i64::try_from(scale).unwrap_or(i64::MAX);
    let sql = "select id, email, stage from leads order by created_at, id limit $1";
    let rows = raw
        .fetch_text_rows(&Stmt::new(sql, vec![Value::I64(limit)]))
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, mut cols)| {
            cols.resize(2, None);
            let depth = match cols[1].as_deref() {
                Some("converted") => 2,
                Some("prospect") => 1,
                _ => 0,
            };
            EventLead {
                id,
                email: cols[0].take(),
                depth,
            }
        })
        .collect())
}

/// What a batch is turned into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// The JSON body of `POST /api/v1/events`.
    Http,
    /// The rows of the raw limit (bound values in [`INSERT_EVENT`] order).
    Raw,
}

/// One batch, ready to send or insert.
#[derive(Debug, Clone)]
pub struct EventBatch {
    /// Events in it.
    pub len: usize,
    /// Distinct leads it names (each is rescored once).
    pub leads: usize,
    /// The request body ([`Form::Http`]).
    pub body: Bytes,
    /// The rows ([`Form::Raw`]).
    pub rows: Vec<Vec<Value>>,
}

/// `count` batches of `size` fresh events (new UUIDv7 ids) for `targets`, in `form`.
pub fn batches(
    rng: &mut Rng,
    targets: &[EventLead],
    size: usize,
    count: usize,
    form: Form,
) -> Vec<EventBatch> {
    let now = Utc::now().trunc_subsecs(6);
    (0..count)
        .map(|_| batch(rng, targets, size, now, form))
        .collect()
}

fn batch(
    rng: &mut Rng,
    targets: &[EventLead],
    size: usize,
    now: DateTime<Utc>,
    form: Form,
) -> EventBatch {
    let (mut json, mut rows, mut leads) = (Vec::new(), Vec::new(), HashSet::new());
    let mut n = 0;
    while n < size {
        let i = rng.usize(..targets.len());
        let t = &targets[i];
        leads.insert(i);
        let by_email = t.email.as_deref().filter(|_| rng.f32() < 0.2);
        let session = rng.usize(1..=5).min(size - n);
        n += session;
        for _ in 0..session {
            let (kind, url) = kind_and_url(rng, t.depth);
            let at = now - Duration::microseconds(rng.i64(1_000_000..43_200_000_000));
            let id = Uuid::now_v7().to_string();
            match form {
                Form::Http => json.push(event_json(id, kind, url, at, (t.id, by_email))),
                Form::Raw => rows.push(vec![
                    Value::Text(id),
                    Value::Uuid(t.id),
                    Value::Str(kind),
                    Value::OptStr(url),
                    Value::Time(at),
                    Value::Time(now),
                ]),
            }
        }
    }
    let body = match form {
        Form::Http => Bytes::from(
            serde_json::to_vec(&serde_json::json!({ "events": json }))
                .expect("JSON values serialise"),
        ),
        Form::Raw => Bytes::new(),
    };
    EventBatch {
        len: size,
        leads: leads.len(),
        body,
        rows,
    }
}

/// One event of the request body, naming its lead by email when given, else by id.
fn event_json(
    id: String,
    kind: &str,
    url: Option<&str>,
    at: DateTime<Utc>,
    (lead, email): (Uuid, Option<&str>),
) -> serde_json::Value {
    let mut event = serde_json::json!({
        "id": id, "kind": kind, "url": url,
        "occurred_at": at.to_rfc3339_opts(SecondsFormat::Micros, true),
    });
    match email {
        Some(email) => event["email"] = email.into(),
        None => event["lead_id"] = lead.to_string().into(),
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets() -> Vec<EventLead> {
        (0..50)
            .map(|i| EventLead {
                id: Uuid::now_v7(),
                email: (i % 2 == 0).then(|| format!("p{i}@x.example")),
                depth: i % 3,
            })
            .collect()
    }

    #[test]
    fn a_body_holds_exactly_the_batch_with_fresh_ids_and_both_ways_of_naming_a_lead() {
        let mut rng = Rng::with_seed(3);
        let b = &batches(&mut rng, &targets(), 500, 2, Form::Http)[1];
        let v: serde_json::Value = serde_json::from_slice(&b.body).expect("JSON");
        let events = v["events"].as_array().expect("events");
        assert_eq!((events.len(), b.len), (500, 500));
        let ids: HashSet<&str> = events.iter().filter_map(|e| e["id"].as_str()).collect();
        assert_eq!(ids.len(), 500);
        let by_email = events.iter().filter(|e| e["email"].is_string()).count();
        assert!((20..200).contains(&by_email), "{by_email} by email");
        assert!(
            events
                .iter()
                .all(|e| e["lead_id"].is_string() != e["email"].is_string())
        );
        assert!(b.leads > 1 && b.leads <= 50);
    }

    #[test]
    fn raw_rows_are_the_insert_statements_values() {
        let mut rng = Rng::with_seed(4);
        let b = &batches(&mut rng, &targets(), 100, 1, Form::Raw)[0];
        assert_eq!(b.rows.len(), 100);
        assert!(b.rows.iter().all(|r| r.len() == 6));
        assert!(b.body.is_empty());
    }
}
