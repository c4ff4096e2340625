//! The demo sales team: a manager, four reps who each cover a market, and marketing. The
//! manager and the reps are one team, so the manager sees the reps' leads and deals.

use super::DemoLogin;
use super::companies::Country;
use super::sim::Sim;
use chrono::{DateTime, Utc};
use sarnakh_core::Error;
use sarnakh_core::credentials;
use sarnakh_core::domain::{Role, Team, TeamId, User};
use sarnakh_core::store::Store;
use std::sync::Arc;

/// The team: login name, display name, role, countries covered.
#[rustfmt::skip]
const TEAM: &[(&str, &str, Role, &[Country])] = &[
    ("sara.ahmadi", "Sara Ahmadi", Role::SalesManager, &[]),
    ("reza.hosseini", "Reza Hosseini", Role::SalesRep, &[Country::Ir]),
    ("niloufar.rahimi", "Niloufar Rahimi", Role::SalesRep, &[Country::Ir]),
    ("ioana.popescu", "Ioana Popescu", Role::SalesRep, &[Country::Ro]),
    ("james.carter", "James Carter", Role::SalesRep, &[Country::Gb, Country::Us]),
    ("andrei.ionescu", "Andrei Ionescu", Role::Marketing, &[]),
];

/// Inserts the demo team (reusing users that already have a demo address).
pub(super) async fn team(
    store: &Arc<dyn Store>,
    sim: &mut Sim,
    joined: DateTime<Utc>,
) -> Result<Vec<DemoLogin>, Error> {
    let existing = store.list_users().await?;
    let sales = store
        .ensure_team(&Team {
            id: TeamId::new(),
            name: "Sales".into(),
            created_at: joined,
        })
        .await?;
    let mut logins = Vec::with_capacity(TEAM.len());
    for (login, name, role, countries) in TEAM {
        let email = format!("{login}@demo.sarnakh.example");
        let (id, password) = match existing.iter().find(|u| u.email == email) {
            Some(user) => (user.id, None),
            None => {
                let mut user = User::new(&email, name, *role, joined);
                if matches!(role, Role::SalesManager | Role::SalesRep) {
                    user.team_id = Some(sales.id);
                }
                store.insert_user(&user).await?;
                let password = credentials::generate_password();
                store
                    .set_password_hash(user.id, &credentials::hash_password(&password))
                    .await?;
                (user.id, Some(password))
            }
        };
        match role {
            Role::SalesRep => sim.reps.push((id, countries)),
            Role::Marketing => sim.marketing = id,
            Role::Admin | Role::SalesManager => {}
        }
        logins.push(DemoLogin {
            email,
            display_name: (*name).to_owned(),
            role: *role,
            password,
        });
    }
    Ok(logins)
}
