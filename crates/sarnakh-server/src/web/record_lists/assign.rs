//! The bulk owner change of the opportunity and account lists: the ticked records go to the
//! chosen owner through the core's bulk services (each checked on its own), and the answer
//! goes back to the same list and filters with how many were assigned and refused.

use crate::http::AppState;
use crate::web::WebUser;
use crate::web::session::Refusal;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use sarnakh_core::domain::{AccountId, OpportunityId};

/// The list to go back to, with its filters; never another path.
fn back_to(list: &str, raw: Option<&str>) -> String {
    let path = format!("/{list}");
    match raw {
        Some(back)
            if (back == path || back.starts_with(&format!("{path}?")))
                && !back.contains(['\r', '\n', '#']) =>
        {
            back.to_owned()
        }
        _ => path,
    }
}

pub(super) async fn assign_deals(
    State(app): State<AppState>,
    user: WebUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Refusal> {
    assign(&app, &user, &pairs, "opportunities").await
}

pub(super) async fn assign_accounts(
    State(app): State<AppState>,
    user: WebUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Refusal> {
    assign(&app, &user, &pairs, "accounts").await
}

/// Gives the ticked records of `list` to the chosen owner; back to the list with counts.
async fn assign(
    app: &AppState,
    user: &WebUser,
    pairs: &[(String, String)],
    list: &str,
) -> Result<Response, Refusal> {
    let owner = crate::web::bulk::bulk_owner(user, pairs)?;
    // An id that does not parse names no record the user may see: refused like one.
    let picked: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "pick")
        .map(|(_, v)| v.as_str())
        .collect();
    let (assigned, failed) = if list == "accounts" {
        let ids: Vec<AccountId> = picked.iter().filter_map(|p| p.parse().ok()).collect();
        let out = app.services.assign_accounts(&user.actor, &ids, owner).await;
        let out = out.map_err(|e| user.refusal(e))?;
        (
            out.assigned.len(),
            out.failed.len() + picked.len() - ids.len(),
        )
    } else {
        let ids: Vec<OpportunityId> = picked.iter().filter_map(|p| p.parse().ok()).collect();
        let out = app
            .services
            .assign_opportunities(&user.actor, &ids, owner)
            .await;
        let out = out.map_err(|e| user.refusal(e))?;
        (
            out.assigned.len(),
            out.failed.len() + picked.len() - ids.len(),
        )
    };
    let back = back_to(list, crate::web::bulk::form_value(pairs, "back"));
    let sep = if back.contains('?') { '&' } else { '?' };
    let to = format!("{back}{sep}assigned={assigned}&failed={failed}");
    Ok(Redirect::to(&to).into_response())
}

#[cfg(test)]
mod tests {
    use super::back_to;

    #[test]
    fn only_the_same_list_is_gone_back_to() {
        assert_eq!(back_to("accounts", Some("/accounts?q=x")), "/accounts?q=x");
        for bad in [
            "//evil.example",
            "/accountsx",
            "/opportunities",
            "https://x/accounts",
        ] {
            assert_eq!(back_to("accounts", Some(bad)), "/accounts", "{bad}");
        }
    }
}
