//! Scenario 4, lists: filtered and sorted first pages, and deep cursor pages (the cursor
//! of the row half-way down the list), of leads and opportunities, 50 rows per page.
//!
//! Limit: the same `select ... order by ... limit 51` the adapter runs, sent raw through a
//! pool shaped like the adapter's reader, rows fetched but not turned into JSON.

use super::{CaseResult, Ctx, RatioBasis};
use crate::db::{KeyKind, RawDb, Stmt, Value};
use crate::measure::{Pace, drive};
use anyhow::{Context, Result};
use sarnakh_core::domain::page::{Cursor, CursorKey};
use std::sync::Arc;

use sarnakh_store_sql::rows::LEAD_COLUMNS as LEAD_SELECT;
use sarnakh_store_sql::rows::OPPORTUNITY_COLUMNS as OPPORTUNITY_SELECT;

/// One list request: the API path and the adapter's SQL for it.
#[derive(Debug, Clone)]
pub struct ListCase {
    /// Label.
    pub name: String,
    /// `GET` path with query.
    pub path: String,
    /// The raw query.
    pub sql: Stmt,
}

/// Builds a list case: `filters` are `(column, query param, value)`; `sort` the column,
/// its API name and direction; `after` a cursor for a deep page.
struct Spec<'a> {
    table: &'static str,
    filters: Vec<(&'static str, &'static str, Value, String)>,
    sort: (&'static str, &'static str, bool),
    after: Option<&'a Cursor>,
    search: Option<String>,
}

fn case(name: &str, s: Spec<'_>) -> ListCase {
    let (select, api) = if s.table == "leads" {
        (LEAD_SELECT, "leads")
    } else {
        (OPPORTUNITY_SELECT, "opportunities")
    };
    let mut sql = format!("select {select} from {} where 1 = 1", s.table);
    let mut values = Vec::new();
    let mut query = vec!["limit=50".to_owned()];
    for (column, param, value, shown) in s.filters {
        values.push(value);
        sql.push_str(&format!(" and {column} = ${}", values.len()));
        query.push(format!("{param}={shown}"));
    }
    if let Some(q) = s.search {
        // The same SQL the adapters run: a whole email address is an indexed lookup, other
        // text a scan of the lower-cased search column.
        if q.contains('@') {
            values.push(Value::Text(q.clone()));
            sql.push_str(&format!(" and lower(email) = lower(${})", values.len()));
        } else {
            values.push(Value::Text(format!("%{q}%")));
            sql.push_str(&format!(" and search like ${} escape '\\'", values.len()));
        }
        query.push(format!("q={q}"));
    }
    let (column, api_name, desc) = s.sort;
    let (dir, op) = if desc { ("desc", "<") } else { ("asc", ">") };
    query.push(format!("sort={}{api_name}", if desc { "-" } else { "" }));
    if let Some(c) = s.after {
        values.push(match &c.key {
            CursorKey::Time(t) => Value::Time(*t),
            CursorKey::Text(t) => Value::Text(t.clone()),
            CursorKey::Int(i) => Value::I64(*i),
        });
        values.push(Value::Uuid(c.id));
        sql.push_str(&format!(
            " and ({column}, id) {op} (${}, ${})",
            values.len() - 1,
            values.len()
        ));
        query.push(format!("cursor={}", c.encode()));
    }
    sql.push_str(&format!(" order by {column} {dir}, id {dir} limit 51"));
    ListCase {
        name: name.to_owned(),
        path: format!("/api/v1/{api}?{}", query.join("&")),
        sql: Stmt::new(sql, values),
    }
}

/// The list cases on the generated data (reads a few keys from the database).
pub async fn cases(raw: &RawDb) -> Result<Vec<ListCase>> {
    let leads = raw.fetch_i64("select count(*) from leads").await?;
    let opps = raw.fetch_i64("select count(*) from opportunities").await?;
    let (mid, mid_opp) = (leads / 2, opps / 2);
    let owner = raw
        .fetch_uuids(&Stmt::new(
            "select id from users order by email limit 1",
            vec![],
        ))
        .await?;
    let owner = *owner.first().context("the generator wrote no users")?;
    let deep = raw.fetch_cursor(&format!("select created_at, id from leads order by created_at desc, id desc limit 1 offset {mid}"), KeyKind::Time).await?;
    let deep_name = raw.fetch_cursor(&format!("select sort_name, id from leads order by sort_name asc, id asc limit 1 offset {mid}"), KeyKind::Text).await?;
    let deep_opp = raw.fetch_cursor(&format!("select created_at, id from opportunities order by created_at desc, id desc limit 1 offset {mid_opp}"), KeyKind::Time).await?;
    let rare = raw.fetch_cursor(&format!("select email, id from leads where email is not null order by created_at, id limit 1 offset {mid}"), KeyKind::Text).await?;
    let newest = ("created_at", "created_at", true);
    let spec = |table, filters, sort, after, search| Spec {
        table,
        filters,
        sort,
        after,
        search,
    };
    let mut out = vec![
        case(
            "leads, newest first",
            spec("leads", vec![], newest, None, None),
        ),
        case(
            "leads, status=open",
            spec(
                "leads",
                vec![("status", "status", Value::Str("open"), "open".into())],
                newest,
                None,
                None,
            ),
        ),
        case(
            "leads, stage=prospect",
            spec(
                "leads",
                vec![("stage", "stage", Value::Str("prospect"), "prospect".into())],
                newest,
                None,
                None,
            ),
        ),
        case(
            "leads, owner=<rep>",
            spec(
                "leads",
                vec![("owner_id", "owner", Value::Uuid(owner), owner.to_string())],
                newest,
                None,
                None,
            ),
        ),
        case(
            "leads, source=webinar",
            spec(
                "leads",
                vec![("source", "source", Value::Str("webinar"), "webinar".into())],
                newest,
                None,
                None,
            ),
        ),
        case(
            "leads, sort=name",
            spec("leads", vec![], ("sort_name", "name", false), None, None),
        ),
        case(
            "leads, q=popescu (common)",
            spec("leads", vec![], newest, None, Some("popescu".into())),
        ),
    ];
    if let Some(Cursor {
        key: CursorKey::Text(email),
        ..
    }) = rare
    {
        out.push(case(
            "leads, q=<one email> (rare)",
            spec("leads", vec![], newest, None, Some(email)),
        ));
    }
    if let Some(c) = &deep {
        out.push(case(
            "leads, deep page (50 %)",
            spec("leads", vec![], newest, Some(c), None),
        ));
    }
    if let Some(c) = &deep_name {
        out.push(case(
            "leads, sort=name, deep page",
            spec("leads", vec![], ("sort_name", "name", false), Some(c), None),
        ));
    }
    out.extend([
        case(
            "opportunities, newest first",
            spec("opportunities", vec![], newest, None, None),
        ),
        case(
            "opportunities, status=open",
            spec(
                "opportunities",
                vec![("status", "status", Value::Str("open"), "open".into())],
                newest,
                None,
                None,
            ),
        ),
        case(
            "opportunities, stage=proposal",
            spec(
                "opportunities",
                vec![("stage", "stage", Value::Str("proposal"), "proposal".into())],
                newest,
                None,
                None,
            ),
        ),
        case(
            "opportunities, sort=-amount",
            spec(
                "opportunities",
                vec![],
                ("amount_minor", "amount", true),
                None,
                None,
            ),
        ),
    ]);
    if let Some(c) = &deep_opp {
        out.push(case(
            "opportunities, deep page (50 %)",
            spec("opportunities", vec![], newest, Some(c), None),
        ));
    }
    Ok(out)
}

/// Runs every list case over HTTP and raw.
pub async fn run(ctx: &Ctx<'_>) -> Result<Vec<CaseResult>> {
    let raw = ctx.target.raw_reader().await?;
    let api = ctx.api(ctx.opts.list_concurrency)?;
    let c = ctx.opts.list_concurrency.max(1);
    let per_case = ctx.opts.requests.div_ceil(4).max(10);
    let mut out = Vec::new();
    for case in cases(&raw).await? {
        let page = api
            .get_json(&case.path)
            .await
            .with_context(|| case.name.clone())?;
        let items = page["items"].as_array().map_or(0, Vec::len);
        let raw_rows = raw
            .fetch_count(&case.sql)
            .await
            .with_context(|| case.name.clone())?;
        anyhow::ensure!(
            raw_rows.min(50) == items,
            "{}: the API returned {items} rows, the raw query {raw_rows}",
            case.name
        );
        let path: Arc<str> = case.path.as_str().into();
        let app = {
            let api = api.clone();
            drive(c, per_case, ctx.budget(), Pace::Closed, move |_| {
                let (api, path) = (api.clone(), path.clone());
                async move { api.get_bytes(&path).await.map(|_| ()) }
            })
            .await
        };
        let stmt = Arc::new(case.sql);
        let limit = {
            let raw = raw.clone();
            drive(c, per_case, ctx.budget(), Pace::Closed, move |_| {
                let (raw, stmt) = (raw.clone(), stmt.clone());
                async move { raw.fetch_count(&stmt).await.map(|_| ()) }
            })
            .await
        };
        let mut result = CaseResult::new("lists", case.name, c, app, Some(limit), RatioBasis::P50);
        result.rows = Some(items);
        out.push(result);
    }
    raw.close().await;
    Ok(out)
}
