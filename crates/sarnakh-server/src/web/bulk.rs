//! Bulk assignment from the leads and prospects lists: the ticked leads go to the chosen
//! owner (or back to the unassigned queue) through the core's `assign_leads`, which applies
//! the assignment rule to each lead. The answer goes back to the same list and filters with
//! how many were assigned and how many were refused.

use super::WebUser;
use super::session::Refusal;
use crate::http::AppState;
use axum::Router;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use sarnakh_core::domain::{LeadId, UserId};

pub fn router() -> Router<AppState> {
    Router::new().route("/leads/assign", post(assign))
}

/// The list to go back to: one of the two lists with its filters, never another path.
fn back_to(raw: Option<&str>) -> String {
    match raw {
        Some(path)
            if ["/leads", "/prospects"].iter().any(|p| {
                path == *p
                    || path
                        .strip_prefix(p)
                        .is_some_and(|rest| rest.starts_with('?'))
            }) && !path.contains(['\r', '\n', '#']) =>
        {
            path.to_owned()
        }
        _ => "/leads".to_owned(),
    }
}

/// The form value `name` of a bulk form.
pub(super) fn form_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A bulk owner change's checks before any record: the form token, then the new owner
/// (none: the assignment rule picks one per record).
pub(super) fn bulk_owner(
    user: &WebUser,
    pairs: &[(String, String)],
) -> Result<Option<UserId>, Refusal> {
    if let Some(refused) = user.refuse_form(form_value(pairs, "_csrf").unwrap_or("")) {
        return Err(refused.into());
    }
    Ok(match form_value(pairs, "owner").unwrap_or("") {
        "" => None,
        raw => Some(raw.parse::<UserId>().map_err(|_| {
            user.refusal(sarnakh_core::Error::field(
                "owner",
                "unknown_user",
                "no such user",
            ))
        })?),
    })
}

async fn assign(
    State(app): State<AppState>,
    user: WebUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Refusal> {
    let owner = bulk_owner(&user, &pairs)?;
    // An id that does not parse names no lead the user may see: refused like one.
    let (ids, unreadable): (Vec<_>, Vec<_>) = pairs
        .iter()
        .filter(|(k, _)| k == "lead")
        .map(|(_, v)| v.parse::<LeadId>())
        .partition(Result::is_ok);
    let ids: Vec<LeadId> = ids.into_iter().filter_map(Result::ok).collect();
    let outcome = app
        .services
        .assign_leads(&user.actor, &ids, owner)
        .await
        .map_err(|e| user.refusal(e))?;
    let back = back_to(form_value(&pairs, "back"));
    let sep = if back.contains('?') { '&' } else { '?' };
    let to = format!(
        "{back}{sep}assigned={}&failed={}",
        outcome.assigned.len(),
        outcome.failed.len() + unreadable.len()
    );
    Ok(Redirect::to(&to).into_response())
}

#[cfg(test)]
mod tests {
    use super::back_to;

    #[test]
    fn only_the_lists_are_gone_back_to() {
        assert_eq!(back_to(Some("/prospects?q=x")), "/prospects?q=x");
        assert_eq!(back_to(Some("/leads")), "/leads");
        for bad in [
            "//evil.example",
            "/leadsx",
            "https://evil.example/leads",
            "/inbox",
        ] {
            assert_eq!(back_to(Some(bad)), "/leads", "{bad}");
        }
        assert_eq!(back_to(None), "/leads");
    }
}
