//! Conformance behaviours of importing every entity: accounts, leads, contacts,
//! opportunities and activities linked by the other CRM's ids, exact counts, unknown
//! references refused by row, re-imports that change nothing, edits that update in place,
//! and the duplicate policy on imported people.

use crate::Fixture;
use sarnakh_core::domain::duplicate::{DuplicateAction, DuplicateSettings};
use sarnakh_core::domain::{AccountId, OpportunityStatus, RecordRef};
use sarnakh_core::import::{ImportReader, ImportTally, Mapping, ReaderOptions, RejectedRow};
use sarnakh_core::service::{Actor, ImportSource};
use sarnakh_core::store::{AccountFilter, Store};
use std::sync::Arc;

const ACCOUNTS: &str = "\
Id,Name,Industry,Employees,Country
A1,Pars Steel,Manufacturing,250,IR
A2,Carpați Software,Software,40,RO
A3,Pars Steel,Manufacturing,250,IR
A4,,Retail,10,RO
";
const ACCOUNTS_MAP: &str = r#"
entity = "accounts"
external_id_column = "Id"
dedupe_by = "external_id"
[columns]
Name = "name"
Industry = "industry"
Employees = "company_size"
Country = "country"
"#;

const LEADS: &str = "Id,First,Email\nL1,Reza,reza@pars.example\n";
const LEADS_MAP: &str = r#"
entity = "leads"
external_id_column = "Id"
dedupe_by = "external_id"
[columns]
First = "first_name"
Email = "email"
"#;

const CONTACTS: &str = "\
Id,Account,Lead,First,Last,Email
C1,A1,L1,Reza,Karimi,reza@pars.example
C2,A2,,Ioana,Popescu,ioana@carpati.example
C3,A9,,Nobody,Known,nobody@example.com
C4,A1,L9,Someone,Else,someone@pars.example
";
const CONTACTS_MAP: &str = r#"
entity = "contacts"
external_id_column = "Id"
dedupe_by = "external_id"
[columns]
Account = "account_external_id"
Lead = "lead_external_id"
First = "first_name"
Last = "last_name"
Email = "email"
"#;

const DEALS: &str = "\
Id,Account,Contact,Name,Amount,Currency,Stage,Status,Closed
O1,A1,C1,Steel ERP,12000.50,EUR,Proposal,,
O2,A2,C2,Carpati CRM,5000,EUR,Closed Won,,2026-02-01T10:00:00Z
O3,A2,,Lost deal,100,EUR,,lost,
O4,A1,C2,Wrong contact,100,EUR,,,
O5,A1,,Bad stage,100,EUR,Maybe,,
";
const DEALS_MAP: &str = r#"
entity = "opportunities"
external_id_column = "Id"
dedupe_by = "external_id"
[columns]
Account = "account_external_id"
Contact = "contact_external_id"
Name = "name"
Amount = "amount"
Currency = "currency"
Stage = "stage"
Status = "status"
Closed = "closed_at"
[values.stage]
Proposal = "proposal"
"Closed Won" = "won"
"#;

const ACTIVITIES: &str = "\
Id,Kind,Summary,When,Deal,Lead
T1,call,First call,2026-01-10T09:00:00Z,O1,
T2,email,Intro,2026-01-05T09:00:00Z,,L1
T3,call,Orphan,2026-01-05T09:00:00Z,O9,
";
const ACTIVITIES_MAP: &str = r#"
entity = "activities"
external_id_column = "Id"
[columns]
Kind = "kind"
Summary = "summary"
When = "occurred_at"
Deal = "opportunity_external_id"
Lead = "lead_external_id"
"#;

/// Imports `csv` with `mapping`; returns the counts and the rejected rows.
async fn import(
    f: &Fixture,
    run: &str,
    csv: &str,
    mapping: &str,
) -> (ImportTally, Vec<RejectedRow>) {
    let mapping = Mapping::from_toml(mapping).expect("test mapping parses");
    let mut reader =
        ImportReader::new(csv.as_bytes(), ReaderOptions::default()).expect("header reads");
    let bound = mapping.bind(reader.header()).expect("mapping fits");
    let source = ImportSource {
        file_name: format!("{run}.csv"),
        digest: run.to_owned(),
    };
    let outcome = f
        .services
        .import(&f.actor(), &mut reader, &bound, &source, 2, &mut |_| {})
        .await
        .expect("import runs");
    let t = outcome.run.tally;
    assert!(t.invariant_holds(), "{run}: counts add up: {t:?}");
    (t, outcome.rejected)
}

fn counts(t: &ImportTally) -> [u64; 5] {
    [t.read, t.created, t.updated, t.unchanged, t.rejected]
}

/// The row number and the field named by the first reason of each rejected row.
fn reasons(rejected: &[RejectedRow]) -> Vec<(u64, String)> {
    rejected
        .iter()
        .map(|r| {
            let first = r.reasons.first().map_or("", String::as_str);
            (r.row, first.split(':').next().unwrap_or("").to_owned())
        })
        .collect()
}

async fn id_of(store: &Arc<dyn Store>, entity: &str, external: &str) -> uuid::Uuid {
    let found = store
        .external_records(entity, &[external.to_owned()])
        .await
        .expect("lookup");
    *found
        .get(external)
        .unwrap_or_else(|| panic!("{entity} {external} was imported"))
}

/// Every entity imports with its references resolved, bad rows refused by number, and a
/// second run of the same files changes nothing.
pub async fn every_entity_imports_linked_by_external_ids(store: Arc<dyn Store>) {
    let f = Fixture::new(store.clone()).await;
    let (t, rej) = import(&f, "accounts-1", ACCOUNTS, ACCOUNTS_MAP).await;
    assert_eq!(
        counts(&t),
        [4, 2, 0, 1, 1],
        "A3 is A1 by name; A4 has no name"
    );
    assert_eq!(reasons(&rej), vec![(4, "name".to_owned())]);
    let page = store
        .list_accounts(&AccountFilter::default(), &Default::default())
        .await
        .expect("list");
    assert_eq!(page.items.len(), 2);
    assert_eq!(
        id_of(&store, "account", "A1").await,
        id_of(&store, "account", "A3").await
    );
    import(&f, "leads-1", LEADS, LEADS_MAP).await;

    let (t, rej) = import(&f, "contacts-1", CONTACTS, CONTACTS_MAP).await;
    assert_eq!(counts(&t), [4, 2, 0, 0, 2]);
    assert_eq!(
        reasons(&rej),
        vec![
            (3, "account_external_id".to_owned()),
            (4, "lead_external_id".to_owned())
        ]
    );
    let c1 = id_of(&store, "contact", "C1").await;
    let contact = store
        .get_contact(sarnakh_core::domain::ContactId::from_uuid(c1))
        .await
        .expect("read")
        .expect("C1 stored");
    assert_eq!(
        contact.account_id.as_uuid(),
        id_of(&store, "account", "A1").await
    );
    assert_eq!(
        contact.lead_id.map(|l| l.as_uuid()),
        Some(id_of(&store, "lead", "L1").await)
    );

    let (t, rej) = import(&f, "deals-1", DEALS, DEALS_MAP).await;
    assert_eq!(counts(&t), [5, 3, 0, 0, 2]);
    assert_eq!(
        reasons(&rej),
        vec![
            (4, "contact_external_id".to_owned()),
            (5, "stage".to_owned())
        ]
    );
    let deal = |x: &'static str| {
        let store = store.clone();
        async move {
            let id = id_of(&store, "opportunity", x).await;
            let id = sarnakh_core::domain::OpportunityId::from_uuid(id);
            store
                .get_opportunity(id)
                .await
                .expect("read")
                .expect("stored")
        }
    };
    let o1 = deal("O1").await;
    assert_eq!(
        (o1.amount.minor(), o1.stage.as_str()),
        (1_200_050, "proposal")
    );
    assert_eq!(o1.status, OpportunityStatus::Open);
    let o2 = deal("O2").await;
    assert_eq!(
        (o2.status, o2.stage.as_str()),
        (OpportunityStatus::Won, "won")
    );
    let a2 = AccountId::from_uuid(id_of(&store, "account", "A2").await);
    let a2 = store.get_account(a2).await.expect("read").expect("A2");
    assert_eq!(
        a2.customer_since, o2.closed_at,
        "a won deal makes its account a customer"
    );
    let o3 = deal("O3").await;
    assert_eq!(o3.loss_reason.map(|r| r.as_str()), Some("other"));

    let (t, rej) = import(&f, "activities-1", ACTIVITIES, ACTIVITIES_MAP).await;
    assert_eq!(counts(&t), [3, 2, 0, 0, 1]);
    assert_eq!(
        reasons(&rej),
        vec![(3, "opportunity_external_id".to_owned())]
    );
    let on_o1 = store
        .activities_of(RecordRef::Opportunity(o1.id))
        .await
        .expect("activities");
    assert_eq!(on_o1.len(), 1);

    for (run, csv, map, same) in [
        ("accounts-2", ACCOUNTS, ACCOUNTS_MAP, [4, 0, 0, 3, 1]),
        ("contacts-2", CONTACTS, CONTACTS_MAP, [4, 0, 0, 2, 2]),
        ("deals-2", DEALS, DEALS_MAP, [5, 0, 0, 3, 2]),
        ("activities-2", ACTIVITIES, ACTIVITIES_MAP, [3, 0, 0, 2, 1]),
    ] {
        let (t, _) = import(&f, run, csv, map).await;
        assert_eq!(counts(&t), same, "{run}: a second run creates nothing");
    }
    let page = store
        .list_accounts(&AccountFilter::default(), &Default::default())
        .await
        .expect("list");
    assert_eq!(page.items.len(), 2);
    assert_eq!(
        store
            .activities_of(RecordRef::Opportunity(o1.id))
            .await
            .expect("activities")
            .len(),
        1
    );

    let edited = DEALS.replace("12000.50", "15000");
    let (t, _) = import(&f, "deals-3", &edited, DEALS_MAP).await;
    assert_eq!(counts(&t), [5, 0, 1, 2, 2]);
    let o1 = deal("O1").await;
    assert_eq!((o1.amount.minor(), o1.version), (1_500_000, 2));
    let history = store
        .history_of(RecordRef::Opportunity(o1.id))
        .await
        .expect("history");
    assert!(history.iter().any(|h| h.kind == "updated"), "{history:?}");
}

/// With the duplicate policy at `block`, an imported lead or contact that looks like an
/// existing person is refused by row, naming the reason; the rest import.
pub async fn the_duplicate_policy_blocks_look_alike_imported_people(store: Arc<dyn Store>) {
    let f = Fixture::new(store.clone()).await;
    import(&f, "accounts", ACCOUNTS, ACCOUNTS_MAP).await;
    import(&f, "leads", LEADS, LEADS_MAP).await;
    let block = DuplicateSettings {
        action: DuplicateAction::Block,
        name_similarity: 0.92,
    };
    f.services
        .set_duplicate_settings(&Actor::SYSTEM, block)
        .await
        .expect("policy saved");
    let leads = "Id,First,Email\nL2,Reza,REZA@pars.example\nL3,Mina,mina@pars.example\n";
    let (t, rej) = import(&f, "leads-2", leads, LEADS_MAP).await;
    assert_eq!(counts(&t), [2, 1, 0, 0, 1]);
    assert_eq!(reasons(&rej), vec![(1, "duplicate".to_owned())]);
    assert!(rej[0].reasons[0].contains("same email"), "{rej:?}");
    let contacts = "\
Id,Account,Lead,First,Last,Email
C1,A1,,Mina,Rahimi,mina@pars.example
C2,A2,,Ioana,Popescu,ioana@carpati.example
";
    let (t, rej) = import(&f, "contacts", contacts, CONTACTS_MAP).await;
    assert_eq!(counts(&t), [2, 1, 0, 0, 1]);
    assert_eq!(reasons(&rej), vec![(1, "duplicate".to_owned())]);
    assert!(rej[0].reasons[0].contains("same email"), "{rej:?}");
}
