//! Conformance behaviours of the opportunity, account and contact list filters: each filter
//! keeps exactly the matching rows (a plain recount over everything), pages in both sort
//! directions without gaps or repeats, and an account page is named in one read.

use crate::Fixture;
use crate::builders::{convert, opportunity, qualified_lead};
use chrono::NaiveDate;
use sarnakh_core::domain::list_params::{AccountParams, ContactParams, OpportunityParams};
use sarnakh_core::domain::page::PageRequest;
use sarnakh_core::domain::{Account, Contact, Opportunity, UserId};
use sarnakh_core::service::{Actor, LifecycleInput};
use sarnakh_core::store::{AccountFilter, ContactFilter, OpportunityFilter, Store};
use std::sync::Arc;

/// Converts a lead of `company` owned by `owner` with deals of (amount, currency, close).
async fn company(f: &Fixture, name: &str, owner: UserId, deals: &[(&str, &str, &str)]) {
    let mut draft = qualified_lead(name, &format!("{}@lists.ro", name.to_lowercase()), name);
    draft.owner_id = Some(owner);
    draft.country = Some(if name.starts_with('R') { "RO" } else { "IR" }.into());
    let l = f
        .services
        .capture_lead(&Actor::SYSTEM, &draft)
        .await
        .expect("capture");
    f.services
        .qualify_lead(&Actor::SYSTEM, l.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    let opportunities = deals
        .iter()
        .map(|(amount, currency, close)| {
            let mut o = opportunity(&format!("{name} {amount}"), amount);
            o.currency = Some((*currency).into());
            o.expected_close_date = Some((*close).into());
            o.owner_id = Some(owner);
            o
        })
        .collect();
    f.services
        .convert_lead(&Actor::SYSTEM, l.id, &convert(opportunities))
        .await
        .expect("convert");
}

async fn all_deals(f: &Fixture, filter: &OpportunityFilter) -> Vec<Opportunity> {
    let mut out = Vec::new();
    let mut page = PageRequest {
        limit: 2,
        after: None,
    };
    loop {
        let got = f
            .services
            .list_opportunities(&Actor::SYSTEM, filter, &page)
            .await
            .expect("page");
        out.extend(got.items);
        match got.next {
            Some(c) => page.after = Some(c),
            None => return out,
        }
    }
}

/// Which deals a filter should keep.
type Keep<'a> = Box<dyn Fn(&Opportunity) -> bool + 'a>;

/// Each new filter keeps exactly what a plain recount keeps, across pages.
pub async fn record_list_filters_keep_exactly_the_matching_rows(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let other = sarnakh_core::domain::User::new(
        "other@lists.ro",
        "Other",
        sarnakh_core::domain::Role::SalesRep,
        f.rep.created_at,
    );
    f.store.insert_user(&other).await.expect("user");
    company(
        &f,
        "Rapid",
        f.rep.id,
        &[
            ("100", "EUR", "2026-04-01"),
            ("2500.50", "EUR", "2026-05-15"),
            ("900", "RON", "2026-05-20"),
        ],
    )
    .await;
    company(&f, "Zagros", other.id, &[("4000", "EUR", "2026-06-30")]).await;
    let everything = all_deals(&f, &OpportunityFilter::default()).await;
    assert_eq!(everything.len(), 4);
    let cases: Vec<(OpportunityParams, Keep<'_>)> = vec![
        (
            OpportunityParams {
                amount_min: Some("1000".into()),
                currency: Some("EUR".into()),
                ..OpportunityParams::default()
            },
            Box::new(|o| o.amount.currency().code() == "EUR" && o.amount.minor() >= 100_000),
        ),
        (
            OpportunityParams {
                amount_max: Some("2500.50".into()),
                currency: Some("eur".into()),
                ..OpportunityParams::default()
            },
            Box::new(|o| o.amount.currency().code() == "EUR" && o.amount.minor() <= 250_050),
        ),
        (
            OpportunityParams {
                close_from: Some("2026-05-01".into()),
                close_to: Some("2026-05-31".into()),
                ..OpportunityParams::default()
            },
            Box::new(|o| {
                o.expected_close_date.is_some_and(|d| {
                    d >= NaiveDate::from_ymd_opt(2026, 5, 1).expect("day")
                        && d <= NaiveDate::from_ymd_opt(2026, 5, 31).expect("day")
                })
            }),
        ),
        (
            OpportunityParams {
                owner: Some(other.id.to_string()),
                sort: Some("amount".into()),
                ..OpportunityParams::default()
            },
            Box::new(|o| o.owner_id == Some(other.id)),
        ),
    ];
    for (params, keep) in cases {
        let filter = f
            .services
            .opportunity_list_filter(&params)
            .await
            .expect("valid");
        let mut got: Vec<_> = all_deals(&f, &filter)
            .await
            .into_iter()
            .map(|o| o.id)
            .collect();
        let mut want: Vec<_> = everything
            .iter()
            .filter(|o| keep(o))
            .map(|o| o.id)
            .collect();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want, "{params:?}");
        assert!(!want.is_empty(), "each case keeps something: {params:?}");
    }
    // Amount order, ascending, over pages.
    let by_amount = f
        .services
        .opportunity_list_filter(&OpportunityParams {
            sort: Some("amount".into()),
            ..OpportunityParams::default()
        })
        .await
        .expect("valid");
    let amounts: Vec<i64> = all_deals(&f, &by_amount)
        .await
        .iter()
        .map(|o| o.amount.minor())
        .collect();
    assert!(amounts.windows(2).all(|w| w[0] <= w[1]), "{amounts:?}");

    let accounts = |params: AccountParams| {
        let f = &f;
        async move {
            let filter = f.services.account_list_filter(&params).expect("valid");
            let page = f
                .services
                .list_accounts(&Actor::SYSTEM, &filter, &PageRequest::default())
                .await
                .expect("accounts");
            page.items
                .into_iter()
                .map(|a: Account| a.name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        accounts(AccountParams::default()).await,
        ["Rapid", "Zagros"]
    );
    let z_to_a = AccountParams {
        sort: Some("-name".into()),
        ..AccountParams::default()
    };
    assert_eq!(accounts(z_to_a).await, ["Zagros", "Rapid"]);
    let by_owner = AccountParams {
        owner: Some(other.id.to_string()),
        ..AccountParams::default()
    };
    assert_eq!(accounts(by_owner).await, ["Zagros"]);
    let by_country = AccountParams {
        country: Some("ro".into()),
        ..AccountParams::default()
    };
    assert_eq!(accounts(by_country).await, ["Rapid"]);

    let contacts = |params: ContactParams| {
        let f = &f;
        async move {
            let filter: ContactFilter = f.services.contact_list_filter(&params).expect("valid");
            let page = f
                .services
                .list_contacts(&Actor::SYSTEM, &filter, &PageRequest::default())
                .await
                .expect("contacts");
            page.items
                .into_iter()
                .map(|c: Contact| c.first_name)
                .collect::<Vec<_>>()
        }
    };
    let oldest = ContactParams {
        sort: Some("created_at".into()),
        ..ContactParams::default()
    };
    assert_eq!(contacts(oldest).await, ["Rapid", "Zagros"]);
    assert_eq!(
        contacts(ContactParams::default()).await,
        ["Zagros", "Rapid"]
    );
    let by_owner = ContactParams {
        owner: Some(f.rep.id.to_string()),
        ..ContactParams::default()
    };
    assert_eq!(contacts(by_owner).await, ["Rapid"]);

    // A page's accounts named in one read, only those the reader may see.
    let all = f
        .services
        .list_accounts(
            &Actor::SYSTEM,
            &AccountFilter::default(),
            &PageRequest::default(),
        )
        .await
        .expect("accounts");
    let ids: Vec<_> = all.items.iter().map(|a| a.id).collect();
    let rep = Actor::user(sarnakh_core::service::Principal {
        user_id: f.rep.id,
        role: sarnakh_core::domain::Role::SalesRep,
        team_id: None,
        team_members: Vec::new(),
        scope: sarnakh_core::domain::TokenScope::Write,
        token_id: None,
    });
    let names = f.services.account_names(&rep, &ids).await.expect("names");
    assert_eq!(names.values().collect::<Vec<_>>(), ["Rapid"]);
}
