//! A raw export read back by the import with the identity mapping gives the same records:
//! the core half of "export -> import into an empty instance -> no differences".

use super::fixtures::{account, bare_lead, contact, export, layout, lead, opportunity};
use super::{ExportMode, Exportable};
use crate::import::{
    ImportReader, ReaderOptions, Record, convert_account, convert_contact, convert_lead,
    convert_opportunity,
};

/// The bound identity mapping and the records of a raw export of `records`.
fn reimport<T: Exportable>(records: &[T]) -> (crate::import::BoundMapping, Vec<Record>) {
    let bytes = export(ExportMode::Raw, records);
    let reader = ImportReader::new(&bytes[..], ReaderOptions::default()).expect("header");
    let mapping = layout(ExportMode::Raw, records).identity_mapping();
    let bound = mapping.bind(reader.header()).expect("binds");
    let rows = reader.map(|r| r.expect("readable").expect("well formed"));
    (bound, rows.collect())
}

#[test]
fn leads_come_back_with_the_same_fields_and_their_id_as_external_id() {
    let leads = [lead(), bare_lead()];
    let (mapping, rows) = reimport(&leads);
    for (lead, row) in leads.iter().zip(&rows) {
        let imported = convert_lead(&mapping, row).expect("converts");
        assert_eq!(imported.fields, lead.fields);
        assert_eq!(imported.external_id, Some(lead.id.to_string()));
    }
}

#[test]
fn opportunities_come_back_with_amount_dates_status_and_references() {
    let o = opportunity();
    let (mapping, rows) = reimport(std::slice::from_ref(&o));
    let i = convert_opportunity(&mapping, &rows[0]).expect("converts");
    let n = &i.opportunity;
    assert_eq!(
        (&n.name, &n.product, n.amount, n.expected_close_date),
        (&o.name, &o.product, o.amount, o.expected_close_date)
    );
    assert_eq!(
        (n.stage.as_deref(), n.owner_id),
        (Some(&*o.stage), o.owner_id)
    );
    assert_eq!(
        (i.status, i.closed_at, i.loss_reason, &i.close_note),
        (Some(o.status), o.closed_at, o.loss_reason, &o.close_note)
    );
    assert_eq!(i.account_external_id, o.account_id.to_string());
    assert_eq!(i.contact_external_id, o.contact_id.map(|c| c.to_string()));
    assert_eq!(i.lead_external_id, o.lead_id.map(|l| l.to_string()));
    assert_eq!(i.external_id, Some(o.id.to_string()));
}

#[test]
fn accounts_and_contacts_come_back_unchanged() {
    let a = account();
    let (mapping, rows) = reimport(std::slice::from_ref(&a));
    let i = convert_account(&mapping, &rows[0]).expect("converts");
    assert_eq!(
        (
            &i.name,
            &i.name_key,
            &i.industry,
            i.company_size,
            &i.country
        ),
        (
            &a.name,
            &a.name_key,
            &a.industry,
            a.company_size,
            &a.country
        )
    );
    assert_eq!(
        (i.owner_id, i.customer_since),
        (a.owner_id, a.customer_since)
    );
    assert_eq!(i.external_id, Some(a.id.to_string()));

    let c = contact();
    let (mapping, rows) = reimport(std::slice::from_ref(&c));
    let i = convert_contact(&mapping, &rows[0]).expect("converts");
    assert_eq!(
        (
            &i.first_name,
            &i.last_name,
            &i.email,
            &i.phone,
            &i.job_title
        ),
        (
            &c.first_name,
            &c.last_name,
            &c.email,
            &c.phone,
            &c.job_title
        )
    );
    assert_eq!(i.account_external_id, c.account_id.to_string());
    assert_eq!(i.lead_external_id, c.lead_id.map(|l| l.to_string()));
}
