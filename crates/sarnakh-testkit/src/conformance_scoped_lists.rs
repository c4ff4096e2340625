//! Conformance behaviour of the lists a rep or a team's manager reads: the rows they may see
//! (read in parts, one per visible owner and one for the unowned rows, and merged), in every
//! sort order and direction, paged without gaps or repeats, exactly as the whole list
//! filtered by hand.

use crate::Fixture;
use crate::builders::{convert, lead, opportunity, qualified_lead};
use crate::conformance_policy::TwoTeams;
use chrono::Duration;
use sarnakh_core::domain::page::SortDir;
use sarnakh_core::domain::{Lead, Opportunity, Page, PageRequest, User, UserId};
use sarnakh_core::service::{Actor, LifecycleInput};
use sarnakh_core::store::{
    LeadFilter, LeadSortField, OpportunityFilter, OpportunitySortField, Store,
};
use std::sync::Arc;

/// Every page of a list of `limit` rows, in order.
async fn paged<T, F, Fut>(limit: u32, mut fetch: F) -> Vec<T>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, sarnakh_core::Error>>,
{
    let mut out = Vec::new();
    let mut request = PageRequest::new(Some(limit), None);
    for _ in 0..1000 {
        let page = fetch(request).await.expect("page");
        assert!(page.items.len() <= limit as usize);
        out.extend(page.items);
        match page.next {
            Some(cursor) => request = PageRequest::new(Some(limit), Some(cursor)),
            None => return out,
        }
    }
    panic!("pagination did not end");
}

/// Who sees what: the owners whose rows are visible, and whether the team's queue is.
pub(crate) struct Reader {
    pub actor: Actor,
    pub owners: Vec<UserId>,
    pub user: User,
}

impl Reader {
    pub(crate) fn sees_lead(&self, l: &Lead) -> bool {
        match l.fields.owner_id {
            Some(o) => self.owners.contains(&o),
            None => l.team_id.is_none() || l.team_id == self.user.team_id,
        }
    }

    pub(crate) fn sees_deal(&self, o: &Opportunity) -> bool {
        o.owner_id.is_none_or(|owner| self.owners.contains(&owner))
    }

    /// Team A's first rep, team A's manager (who sees both of A's reps) and team B's rep.
    pub(crate) fn of_two_teams(t: &TwoTeams) -> [Reader; 3] {
        let reader = |(actor, user): &(Actor, User), owners: Vec<UserId>| Reader {
            actor: actor.clone(),
            owners,
            user: user.clone(),
        };
        [
            reader(&t.r1, vec![t.r1.1.id]),
            reader(&t.manager, vec![t.r1.1.id, t.r2.1.id, t.manager.1.id]),
            reader(&t.r3, vec![t.r3.1.id]),
        ]
    }
}

/// A rep, a team's manager and a rep of another team page through their leads and deals in
/// every order and get exactly the rows the policy lets them see, in the whole list's order.
pub async fn scoped_lists_page_like_the_whole_list_filtered(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let teams = TwoTeams::new(&f).await;
    let readers = Reader::of_two_teams(&teams);
    let TwoTeams {
        r1: (r1, u1),
        r2: (r2, u2),
        r3: (r3, u3),
        ..
    } = teams;
    let names = [
        "Zahra", "Ali", "Maria", "Ion", "Darius", "Andrei", "Parisa", "Elena",
    ];
    for i in 0..30 {
        let name = names[i % names.len()];
        let email = format!("{}{i}@x.example", name.to_lowercase());
        // Owned by each rep, waiting in team A's or B's queue, or in none.
        let (by, owner) = match i % 6 {
            0 => (&r1, Some(u1.id)),
            1 => (&r2, Some(u2.id)),
            2 => (&r3, Some(u3.id)),
            3 => (&r1, None),
            4 => (&r3, None),
            _ => (&Actor::SYSTEM, None),
        };
        let mut d = if i % 4 == 0 {
            qualified_lead(name, &email, &format!("Co {i}"))
        } else {
            lead(name, &email)
        };
        d.owner_id = owner;
        d.last_name = Some(format!("L{}", i % 7));
        let l = f.services.capture_lead(by, &d).await.expect("capture");
        if i % 4 == 0 && owner.is_some() {
            f.services
                .qualify_lead(by, l.id, &LifecycleInput::default())
                .await
                .expect("qualify");
            let deals = vec![
                opportunity(&format!("Deal {i}"), &format!("{}", 100 + i % 3)),
                opportunity(&format!("Deal {i}b"), "100"),
            ];
            f.services
                .convert_lead(by, l.id, &convert(deals))
                .await
                .expect("convert");
        }
        // Some leads share their capture time: the id breaks the tie in every part.
        if i % 3 != 2 {
            f.advance(Duration::minutes(1));
        }
    }
    let sorts = [
        LeadSortField::CreatedAt,
        LeadSortField::UpdatedAt,
        LeadSortField::Name,
        LeadSortField::Score,
    ];
    for sort in sorts {
        for dir in [SortDir::Asc, SortDir::Desc] {
            let filter = LeadFilter {
                sort,
                dir,
                ..LeadFilter::default()
            };
            let whole = f
                .services
                .list_leads(&Actor::SYSTEM, &filter, &PageRequest::new(Some(200), None))
                .await
                .expect("whole list");
            assert_eq!(whole.items.len(), 30);
            for reader in &readers {
                let got = paged(4, |p| {
                    let (s, a, flt) = (f.services.clone(), reader.actor.clone(), filter.clone());
                    async move { s.list_leads(&a, &flt, &p).await }
                })
                .await;
                let want: Vec<_> = whole
                    .items
                    .iter()
                    .filter(|l| reader.sees_lead(l))
                    .map(|l| l.id)
                    .collect();
                assert!(want.len() >= 10, "{sort:?}: a reader sees several parts");
                assert_eq!(
                    got.iter().map(|l| l.id).collect::<Vec<_>>(),
                    want,
                    "{} leads by {sort:?} {dir:?}",
                    reader.user.email
                );
            }
        }
    }
    for sort in [
        OpportunitySortField::CreatedAt,
        OpportunitySortField::UpdatedAt,
        OpportunitySortField::Amount,
    ] {
        for dir in [SortDir::Asc, SortDir::Desc] {
            let filter = OpportunityFilter {
                sort,
                dir,
                ..OpportunityFilter::default()
            };
            let whole = f
                .services
                .list_opportunities(&Actor::SYSTEM, &filter, &PageRequest::new(Some(200), None))
                .await
                .expect("whole list");
            assert_eq!(whole.items.len(), 10);
            for reader in &readers {
                let got = paged(3, |p| {
                    let (s, a, flt) = (f.services.clone(), reader.actor.clone(), filter.clone());
                    async move { s.list_opportunities(&a, &flt, &p).await }
                })
                .await;
                let want: Vec<_> = whole
                    .items
                    .iter()
                    .filter(|o| reader.sees_deal(o))
                    .map(|o| o.id)
                    .collect();
                assert!(!want.is_empty());
                assert_eq!(
                    got.iter().map(|o| o.id).collect::<Vec<_>>(),
                    want,
                    "{} deals by {sort:?} {dir:?}",
                    reader.user.email
                );
            }
        }
    }
}
