//! The lists of leads and of prospects (qualified leads: the same list with the stage
//! preset): search, filters (status, owner, source, grade), a sort order, 50 rows per page
//! with a cursor, the CSV export of the same list, and boxes to tick for a bulk assignment.
//! Only the leads the user may see: the list and export services apply the policy.

use super::leads::person_name;
use super::{Frame, Page, Tr, WebUser, error_page};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sarnakh_core::domain::lifecycle::{LeadStage, LeadStatus};
use sarnakh_core::domain::page::{Cursor, PageRequest, parse_sort};
use sarnakh_core::domain::scoring::Grade;
use sarnakh_core::domain::{Lead, LeadSource, User, UserId};
use sarnakh_core::store::{LeadFilter, LeadSortField};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leads", get(leads))
        .route("/prospects", get(prospects))
}

/// Which list a page shows: every lead, or the prospects only.
#[derive(Clone, Copy)]
pub struct View {
    /// The page's path.
    pub path: &'static str,
    /// Message id of its title.
    pub title: &'static str,
    /// The navigation entry.
    pub current: &'static str,
    /// The stage preset.
    pub stage: Option<LeadStage>,
}

const LEADS: View = View {
    path: "/leads",
    title: "leads-title",
    current: "leads",
    stage: None,
};

const PROSPECTS: View = View {
    path: "/prospects",
    title: "prospects-title",
    current: "prospects",
    stage: Some(LeadStage::Prospect),
};

/// The sort orders offered, as the API spells them, with their labels; the first is the
/// default.
const SORTS: [(&str, &str); 5] = [
    ("-created_at", "sort-newest"),
    ("created_at", "sort-oldest"),
    ("-score", "sort-score"),
    ("name", "sort-name"),
    ("-updated_at", "sort-updated"),
];

/// One row of the list.
pub struct Row {
    pub id: String,
    pub href: String,
    pub name: String,
    pub company: String,
    pub source: String,
    pub score: String,
    pub stage: String,
    pub status: String,
    pub owner: String,
    pub created: String,
}

/// A menu: its field name, label id, chosen value and (value, label) choices.
pub struct Menu {
    pub name: &'static str,
    pub label: &'static str,
    pub chosen: String,
    pub choices: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "leads.html")]
struct ListPage {
    frame: Frame,
    view: View,
    q: String,
    menus: Vec<Menu>,
    rows: Vec<Row>,
    next: Option<String>,
    export: String,
    /// This page with its filters, to come back to after a bulk assignment.
    here: String,
    owners: Vec<(String, String)>,
    /// The signed-in user, the bulk menu's first choice (a rep claims leads for themselves).
    me: String,
    done: Option<String>,
    views: Vec<super::views::ViewLink>,
    /// The filters as a query string, for saving them as a view.
    query: String,
}

/// The list's filters as sent in the query.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    owner: Option<String>,
    source: Option<String>,
    grade: Option<String>,
    sort: Option<String>,
    after: Option<String>,
    assigned: Option<usize>,
    failed: Option<usize>,
}

/// The filters that were understood, each as its query value.
struct Chosen {
    q: String,
    status: Option<LeadStatus>,
    owner: Option<UserId>,
    source: Option<LeadSource>,
    grade: Option<Grade>,
    sort: &'static str,
}

impl Chosen {
    fn read(q: &ListQuery) -> Self {
        fn pick(v: &Option<String>) -> Option<&str> {
            v.as_deref().filter(|v| !v.is_empty())
        }
        Self {
            q: q.q.clone().unwrap_or_default().trim().to_owned(),
            status: pick(&q.status).and_then(LeadStatus::parse),
            owner: pick(&q.owner).and_then(|o| o.parse().ok()),
            source: pick(&q.source).and_then(LeadSource::parse),
            grade: pick(&q.grade).and_then(Grade::parse),
            sort: SORTS
                .into_iter()
                .find(|(s, _)| pick(&q.sort) == Some(*s))
                .unwrap_or(SORTS[0])
                .0,
        }
    }

    fn filter(&self, view: View) -> LeadFilter {
        let (field, dir) = parse_sort(self.sort);
        LeadFilter {
            q: Some(self.q.clone()).filter(|s| !s.is_empty()),
            stage: view.stage,
            status: self.status,
            owner: self.owner,
            source: self.source,
            grade: self.grade,
            sort: LeadSortField::parse(field).unwrap_or_default(),
            dir,
            ..LeadFilter::default()
        }
    }

    /// The filters as query pairs (empty ones left out), stage preset included.
    fn pairs(&self, view: View) -> Vec<(&'static str, String)> {
        let owner = self.owner.map(|o| o.to_string());
        [
            ("q", Some(self.q.clone())),
            ("stage", view.stage.map(|s| s.as_str().to_owned())),
            ("status", self.status.map(|s| s.as_str().to_owned())),
            ("owner", owner),
            ("source", self.source.map(|s| s.as_str().to_owned())),
            ("grade", self.grade.map(|g| g.as_str().to_owned())),
            ("sort", Some(self.sort.to_owned())),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect()
    }

    /// `path` with the filters (less the stage, which the path itself presets) and `more`.
    fn link(&self, view: View, path: &str, with_stage: bool, more: &[(&str, &str)]) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.pairs(view) {
            if k != "stage" || with_stage {
                query.append_pair(k, &v);
            }
        }
        for (k, v) in more {
            query.append_pair(k, v);
        }
        format!("{path}?{}", query.finish())
    }
}

fn row(tr: Tr, l: &Lead, users: &[User]) -> Row {
    let owner = l
        .fields
        .owner_id
        .and_then(|o| users.iter().find(|u| u.id == o))
        .map(|u| u.display_name.clone());
    Row {
        id: l.id.to_string(),
        href: format!("/leads/{}", l.id),
        name: person_name(l),
        company: l.fields.company.clone().unwrap_or_default(),
        source: tr.t_or(
            &format!("source-{}", l.fields.source.as_str()),
            l.fields.source.as_str(),
        ),
        score: tr.num(l.score),
        stage: tr.t(&format!("stage-{}", l.state.stage.as_str())),
        status: tr.t(&format!("status-{}", l.state.status.as_str())),
        owner: owner.unwrap_or_default(),
        created: tr.when(l.created_at),
    }
}

fn menus(tr: Tr, c: &Chosen, owners: &[(String, String)]) -> Vec<Menu> {
    let label =
        |prefix: &str, key: &str| (key.to_owned(), tr.t_or(&format!("{prefix}-{key}"), key));
    let any = || (String::new(), tr.t("leads-any"));
    let with_any = |mut rest: Vec<(String, String)>| {
        rest.insert(0, any());
        rest
    };
    vec![
        Menu {
            name: "status",
            label: "leads-filter-status",
            chosen: c.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            choices: with_any(
                LeadStatus::ALL
                    .iter()
                    .map(|s| label("status", s.as_str()))
                    .collect(),
            ),
        },
        Menu {
            name: "owner",
            label: "col-owner",
            chosen: c.owner.map(|o| o.to_string()).unwrap_or_default(),
            choices: with_any(owners.to_vec()),
        },
        Menu {
            name: "source",
            label: "col-source",
            chosen: c.source.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            choices: with_any(
                LeadSource::ALL
                    .iter()
                    .map(|s| label("source", s.as_str()))
                    .collect(),
            ),
        },
        Menu {
            name: "grade",
            label: "leads-grade",
            chosen: c.grade.map(|g| g.as_str().to_owned()).unwrap_or_default(),
            choices: with_any(
                Grade::ALL
                    .iter()
                    .map(|g| (g.as_str().to_owned(), g.as_str().to_uppercase()))
                    .collect(),
            ),
        },
        Menu {
            name: "sort",
            label: "leads-sort",
            chosen: c.sort.to_owned(),
            choices: SORTS
                .iter()
                .map(|(key, label)| ((*key).to_owned(), tr.t(label)))
                .collect(),
        },
    ]
}

async fn leads(app: State<AppState>, user: WebUser, q: Query<ListQuery>) -> Response {
    list(app, user, q, LEADS).await
}

async fn prospects(app: State<AppState>, user: WebUser, q: Query<ListQuery>) -> Response {
    list(app, user, q, PROSPECTS).await
}

async fn list(
    State(app): State<AppState>,
    user: WebUser,
    Query(q): Query<ListQuery>,
    view: View,
) -> Response {
    let tr = user.tr;
    let chosen = Chosen::read(&q);
    let page = PageRequest {
        limit: 50,
        after: q.after.as_deref().and_then(Cursor::decode),
    };
    let s = &app.services;
    let (found, users) = match (
        s.list_leads(&user.actor, &chosen.filter(view), &page).await,
        s.list_users().await,
    ) {
        (Ok(found), Ok(users)) => (found, users),
        (Err(e), _) | (_, Err(e)) => return error_page(tr, e),
    };
    let owners: Vec<(String, String)> = users
        .iter()
        .filter(|u| u.disabled_at.is_none())
        .map(|u| (u.id.to_string(), u.display_name.clone()))
        .collect();
    let next = found
        .next
        .map(|c| chosen.link(view, view.path, false, &[("after", &c.encode())]));
    let done = q.assigned.map(|n| {
        let counted = |id: &str, n: usize| {
            let count = i64::try_from(n).unwrap_or(i64::MAX);
            tr.t2(id, ("count", count.into()), ("n", tr.num(count).into()))
        };
        let assigned = counted("bulk-assigned", n);
        match q.failed.filter(|f| *f > 0) {
            Some(f) => format!("{assigned} {}", counted("bulk-failed", f)),
            None => assigned,
        }
    });
    let page = ListPage {
        frame: Frame::of(&user, view.current),
        view,
        menus: menus(tr, &chosen, &owners),
        rows: found.items.iter().map(|l| row(tr, l, &users)).collect(),
        next,
        export: chosen.link(view, "/api/v1/leads/export.csv", true, &[]),
        here: chosen.link(view, view.path, false, &[]),
        query: chosen
            .link(view, "", false, &[])
            .trim_start_matches('?')
            .to_owned(),
        views: super::views::links(&app, &user, view.current).await,
        q: chosen.q,
        owners,
        me: user.user.id.to_string(),
        done,
    };
    Page(StatusCode::OK, page).into_response()
}
