//! Conformance behaviours of the access policy: every list and read filters by the same
//! rules on every store, and credentials resolve to the right rights.

use crate::Fixture;
use crate::builders::{convert, lead, opportunity, qualified_lead};
use sarnakh_core::Error;
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::domain::{PageRequest, TokenScope, User};
use sarnakh_core::service::{Actor, LeadPatch, LifecycleInput, TaskDraft};
use sarnakh_core::store::{ContactFilter, LeadFilter, OpportunityFilter, Store};
use std::sync::Arc;

/// Adds a user with a password, issues a token and signs in with it.
pub(crate) async fn signed_in(
    f: &Fixture,
    email: &str,
    role: &str,
    team: Option<&str>,
    scope: TokenScope,
) -> (Actor, User) {
    let draft = UserDraft {
        email: Some(email.into()),
        display_name: Some(email.into()),
        role: Some(role.into()),
        team: team.map(Into::into),
        ..UserDraft::default()
    };
    let (user, _) = f
        .services
        .add_user(&Actor::SYSTEM, &draft, None)
        .await
        .expect("add user");
    let (_, secret) = f
        .services
        .create_token(&Actor::SYSTEM, user.id, "test", scope)
        .await
        .expect("token");
    (
        f.services
            .authenticate_token(&secret)
            .await
            .expect("sign in"),
        user,
    )
}

/// Two reps and a manager of team A, and a rep of team B, each signed in with a write token.
pub(crate) struct TwoTeams {
    pub r1: (Actor, User),
    pub r2: (Actor, User),
    pub r3: (Actor, User),
    pub manager: (Actor, User),
}

impl TwoTeams {
    pub(crate) async fn new(f: &Fixture) -> Self {
        let user = |email: &'static str, role: &'static str, team: &'static str| {
            signed_in(f, email, role, Some(team), TokenScope::Write)
        };
        Self {
            r1: user("r1@a.example", "sales_rep", "A").await,
            r2: user("r2@a.example", "sales_rep", "A").await,
            r3: user("r3@b.example", "sales_rep", "B").await,
            manager: user("m@a.example", "sales_manager", "A").await,
        }
    }
}

async fn visible_names(f: &Fixture, actor: &Actor) -> Vec<String> {
    let page = f
        .services
        .list_leads(
            actor,
            &LeadFilter::default(),
            &PageRequest::new(Some(200), None),
        )
        .await
        .expect("list");
    let mut names: Vec<String> = page
        .items
        .into_iter()
        .map(|l| l.fields.person.first_name)
        .collect();
    names.sort();
    names
}

/// Reps see their own leads and their team's queue; managers the team; marketing all.
pub async fn lead_visibility_follows_owner_team_and_role(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let TwoTeams {
        r1: (r1, u1),
        r2: (r2, u2),
        r3: (r3, _),
        manager: (manager, _),
    } = TwoTeams::new(&f).await;
    let (marketing, _) =
        signed_in(&f, "mk@example.com", "marketing", None, TokenScope::Write).await;
    let mut own = lead("OwnR1", "o1@x.example");
    own.owner_id = Some(u1.id);
    f.services.capture_lead(&r1, &own).await.expect("r1 lead");
    let mut other = lead("OwnR2", "o2@x.example");
    other.owner_id = Some(u2.id);
    let r2_lead = f.services.capture_lead(&r2, &other).await.expect("r2 lead");
    f.services
        .capture_lead(&r3, &lead("QueueB", "qb@x.example"))
        .await
        .expect("queue b");
    f.services
        .capture_lead(&r1, &lead("QueueA", "qa@x.example"))
        .await
        .expect("queue a");
    f.services
        .capture_lead(&Actor::SYSTEM, &lead("NoQueue", "nq@x.example"))
        .await
        .expect("no queue");
    assert_eq!(visible_names(&f, &r1).await, ["NoQueue", "OwnR1", "QueueA"]);
    assert_eq!(visible_names(&f, &r3).await, ["NoQueue", "QueueB"]);
    assert_eq!(
        visible_names(&f, &manager).await,
        ["NoQueue", "OwnR1", "OwnR2", "QueueA"]
    );
    assert_eq!(visible_names(&f, &marketing).await.len(), 5);
    let hidden = f.services.get_lead(&r1, r2_lead.id).await;
    assert!(matches!(hidden, Err(Error::NotFound { .. })), "{hidden:?}");
    let search = LeadFilter {
        q: Some("own".into()),
        ..LeadFilter::default()
    };
    let found = f
        .services
        .list_leads(&r1, &search, &PageRequest::default())
        .await
        .expect("search");
    assert_eq!(found.items.len(), 1, "search must filter by visibility too");
}

/// Deals, contacts and follow-ups are seen by their owner and the owner's manager only.
pub async fn deals_contacts_and_tasks_follow_their_owner(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let (r1, u1) = signed_in(
        &f,
        "r1@a.example",
        "sales_rep",
        Some("A"),
        TokenScope::Write,
    )
    .await;
    let (r2, _) = signed_in(
        &f,
        "r2@a.example",
        "sales_rep",
        Some("A"),
        TokenScope::Write,
    )
    .await;
    let (manager, _) = signed_in(
        &f,
        "m@a.example",
        "sales_manager",
        Some("A"),
        TokenScope::Write,
    )
    .await;
    let (marketing, _) =
        signed_in(&f, "mk@example.com", "marketing", None, TokenScope::Write).await;
    let mut draft = qualified_lead("Deal", "deal@x.example", "Owned Co");
    draft.owner_id = Some(u1.id);
    let l = f.services.capture_lead(&r1, &draft).await.expect("capture");
    f.services
        .qualify_lead(&r1, l.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    let out = f
        .services
        .convert_lead(&r1, l.id, &convert(vec![opportunity("Owned deal", "10")]))
        .await
        .expect("convert");
    let deal = out.opportunities[0].id;
    let deals = |a: Actor| {
        let s = f.services.clone();
        async move {
            s.list_opportunities(&a, &OpportunityFilter::default(), &PageRequest::default())
                .await
                .map(|p| p.items.len())
        }
    };
    assert_eq!(deals(r1.clone()).await.expect("r1"), 1);
    assert_eq!(deals(manager.clone()).await.expect("manager"), 1);
    assert_eq!(deals(r2.clone()).await.expect("r2"), 0);
    assert!(matches!(
        deals(marketing.clone()).await,
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(
        f.services.move_opportunity(&r2, deal, "demo", None).await,
        Err(Error::NotFound { .. })
    ));
    let contacts = f
        .services
        .list_contacts(&r2, &ContactFilter::default(), &PageRequest::default())
        .await
        .expect("contacts");
    assert!(contacts.items.is_empty());
    assert!(f.services.get_contact(&r2, out.contact_id).await.is_err());
    let task = TaskDraft {
        title: Some("Follow up".into()),
        due_at: Some("2026-03-05".into()),
        ..TaskDraft::default()
    };
    let t = f.services.create_task(&r1, &task).await.expect("task");
    assert!(f.services.get_task(&manager, t.id).await.is_ok());
    assert!(matches!(
        f.services.complete_task(&r2, t.id, None).await,
        Err(Error::NotFound { .. })
    ));
}

/// Read-only tokens write nothing; reps cannot give records away; revoked tokens stop working.
pub async fn write_rights_are_enforced_and_tokens_can_be_revoked(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let (reader, _) = signed_in(&f, "reader@example.com", "admin", None, TokenScope::Read).await;
    let refused = f
        .services
        .capture_lead(&reader, &lead("Nope", "nope@x.example"))
        .await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    let (r1, u1) = signed_in(
        &f,
        "r1@a.example",
        "sales_rep",
        Some("A"),
        TokenScope::Write,
    )
    .await;
    let (_, u2) = signed_in(
        &f,
        "r2@a.example",
        "sales_rep",
        Some("A"),
        TokenScope::Write,
    )
    .await;
    let mut mine = lead("Mine", "mine@x.example");
    mine.owner_id = Some(u1.id);
    let l = f.services.capture_lead(&r1, &mine).await.expect("capture");
    let give = LeadPatch {
        owner_id: Some(Some(u2.id)),
        ..LeadPatch::default()
    };
    assert!(matches!(
        f.services.update_lead(&r1, l.id, give, None).await,
        Err(Error::Forbidden(_))
    ));
    assert_eq!(
        f.services
            .get_lead(&Actor::SYSTEM, l.id)
            .await
            .expect("read")
            .version,
        1
    );
    let (token, secret) = f
        .services
        .create_token(&r1, u1.id, "script", TokenScope::Write)
        .await
        .expect("own token");
    assert!(
        f.services
            .create_token(&r1, u2.id, "theirs", TokenScope::Write)
            .await
            .is_err()
    );
    assert!(f.services.authenticate_token(&secret).await.is_ok());
    f.services
        .revoke_token(&r1, token.id)
        .await
        .expect("revoke");
    assert!(matches!(
        f.services.authenticate_token(&secret).await,
        Err(Error::Unauthenticated)
    ));
    assert!(matches!(
        f.services.authenticate_token("snk_made_up").await,
        Err(Error::Unauthenticated)
    ));
    let listed = f.services.list_tokens(&r1, u1.id).await.expect("tokens");
    assert!(
        listed
            .iter()
            .any(|t| t.id == token.id && t.revoked_at.is_some())
    );
}
