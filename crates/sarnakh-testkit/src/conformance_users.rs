//! Conformance behaviours of the people administration: teams are listed, an admin changes
//! a user's role and team (a new team is created, the version moves), everyone else is
//! refused, and refused changes write nothing.

use crate::Fixture;
use crate::conformance_policy::signed_in;
use sarnakh_core::Error;
use sarnakh_core::domain::{Role, TokenScope};
use sarnakh_core::service::Actor;
use sarnakh_core::store::Store;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Teams and user access round-trip through the store; only an admin changes them.
pub async fn user_access_is_changed_by_admins_only_and_teams_are_listed(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let s = &f.services;
    let (rep, rep_user) = signed_in(
        &f,
        "rep@people.example",
        "sales_rep",
        Some("North"),
        TokenScope::Write,
    )
    .await;
    let (manager, _) = signed_in(
        &f,
        "boss@people.example",
        "sales_manager",
        Some("North"),
        TokenScope::Write,
    )
    .await;
    let (_, south) = signed_in(
        &f,
        "far@people.example",
        "sales_rep",
        Some("South"),
        TokenScope::Write,
    )
    .await;
    let (admin, admin_user) =
        signed_in(&f, "root@people.example", "admin", None, TokenScope::Write).await;
    let names = |teams: Vec<sarnakh_core::domain::Team>| {
        teams.into_iter().map(|t| t.name).collect::<BTreeSet<_>>()
    };
    assert_eq!(
        names(s.teams().await.expect("teams")),
        BTreeSet::from(["North".to_owned(), "South".to_owned()])
    );
    // A manager reads his own team only; a rep reads nothing.
    let (users, teams) = s.team_directory(&manager).await.expect("directory");
    assert!(
        users.iter().all(|u| u.team_id == rep_user.team_id),
        "{users:?}"
    );
    assert!(users.iter().any(|u| u.id == rep_user.id));
    assert!(!users.iter().any(|u| u.id == south.id));
    assert_eq!(names(teams), BTreeSet::from(["North".to_owned()]));
    assert!(matches!(
        s.team_directory(&rep).await,
        Err(Error::Forbidden(_))
    ));
    // Refused changes write nothing.
    let before = f
        .store
        .get_user(rep_user.id)
        .await
        .expect("read")
        .expect("rep");
    for (who, role, team) in [
        (&rep, Some("sales_manager"), Some("West")),
        (&manager, Some("sales_manager"), Some("West")),
        (&admin, Some("emperor"), Some("West")),
    ] {
        assert!(
            s.set_user_access(who, rep_user.id, role, team)
                .await
                .is_err()
        );
    }
    assert!(matches!(
        s.set_user_access(&admin, admin_user.id, Some("sales_rep"), None)
            .await,
        Err(Error::Validation(_))
    ));
    assert_eq!(
        f.store.get_user(rep_user.id).await.expect("read"),
        Some(before.clone())
    );
    assert!(!names(s.teams().await.expect("teams")).contains("West"));
    // An admin moves the rep to a new team as a manager.
    let changed = s
        .set_user_access(&admin, rep_user.id, Some("sales_manager"), Some("West"))
        .await
        .expect("change");
    let stored = f
        .store
        .get_user(rep_user.id)
        .await
        .expect("read")
        .expect("rep");
    assert_eq!(stored, changed);
    assert_eq!(stored.role, Role::SalesManager);
    assert_eq!(stored.version, before.version + 1);
    assert!(names(s.teams().await.expect("teams")).contains("West"));
    let cleared = s
        .set_user_access(&Actor::SYSTEM, rep_user.id, Some("sales_rep"), None)
        .await
        .expect("no team");
    assert_eq!(cleared.team_id, None);
}
