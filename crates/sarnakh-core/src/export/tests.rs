//! Export layout and writing: headers, both modes, CSV quoting, evidence columns.

use super::fixtures::{account, bare_lead, contact, export, layout, lead, opportunity, read_back};
use super::*;
use crate::domain::{Account, Contact, Lead, Opportunity};
use crate::import::{Entity, Mapping};

fn header<T: Exportable>(mode: ExportMode, records: &[T]) -> String {
    layout(mode, records).header().join(",")
}

#[test]
fn raw_headers_are_the_import_field_names_after_external_id() {
    assert_eq!(
        header(ExportMode::Raw, &[lead()]),
        "external_id,first_name,last_name,email,phone,job_title,company,country,source,\
         campaign,products,notes,company_size,industry,need,decision_role,owner_id,\
         evidence.budget,evidence.timeline"
    );
    assert_eq!(
        header(ExportMode::Raw, &[opportunity()]),
        "external_id,name,product,amount,currency,expected_close_date,stage,status,closed_at,\
         loss_reason,close_note,owner_id,account_external_id,contact_external_id,\
         lead_external_id"
    );
    assert_eq!(
        header(ExportMode::Raw, &[account()]),
        "external_id,name,industry,company_size,country,owner_id,customer_since"
    );
    assert_eq!(
        header(ExportMode::Raw, &[contact()]),
        "external_id,first_name,last_name,email,phone,job_title,account_external_id,\
         lead_external_id"
    );
}

#[test]
fn evidence_columns_are_raw_only_and_union_every_lead_sorted() {
    let mut second = bare_lead();
    second
        .fields
        .evidence
        .insert("authority".into(), "CEO signs".into());
    let leads = [lead(), bare_lead(), second];
    let raw = layout(ExportMode::Raw, &leads).header();
    assert_eq!(
        raw[17..],
        ["evidence.authority", "evidence.budget", "evidence.timeline"]
    );
    assert!(!layout(ExportMode::Safe, &leads).needs_scan());
    assert_eq!(layout(ExportMode::Safe, &leads).header().len(), 17);
}

#[test]
fn every_field_of_every_entity_has_a_value_in_a_filled_record() {
    fn all_filled<T: Exportable>(record: &T) {
        for spec in fields(T::ENTITY) {
            assert!(
                record.value(spec.name).is_some(),
                "{}.{} is not exported",
                T::ENTITY,
                spec.name
            );
        }
    }
    all_filled(&lead());
    all_filled(&opportunity());
    all_filled(&account());
    all_filled(&contact());
}

#[test]
fn safe_mode_quotes_formula_cells_and_raw_mode_keeps_them() {
    let safe = read_back(&export(ExportMode::Safe, &[lead()]));
    let raw = read_back(&export(ExportMode::Raw, &[lead()]));
    let company = 6;
    assert_eq!(safe[0][company], "company");
    assert_eq!(safe[1][company], "'=HYPERLINK(\"http://x\")");
    assert_eq!(raw[1][company], "=HYPERLINK(\"http://x\")");
    let need = 14;
    assert_eq!(
        (&*safe[1][need], &*raw[1][need]),
        ("'+ more leads", "+ more leads")
    );
    let o = read_back(&export(ExportMode::Safe, &[opportunity()]));
    assert_eq!(o[1][1], "'@Pars Co - CRM");
    assert_eq!(o[1][10], "'-10% was not enough");
}

#[test]
fn a_negative_number_or_an_e164_phone_stays_a_number_in_safe_mode() {
    // Amounts are never negative in Sarnakh, but free text can hold one; a plain number
    // cannot call a function, so it is left for the spreadsheet to sum.
    let mut l = bare_lead();
    l.fields.company = Some("-5".into());
    l.fields.industry = Some("-5+1".into());
    let rows = read_back(&export(ExportMode::Safe, &[l]));
    assert_eq!(rows[1][4], "+989121234567");
    assert_eq!(rows[1][6], "-5");
    assert_eq!(rows[1][13], "'-5+1");
    let o = read_back(&export(ExportMode::Safe, &[opportunity()]));
    assert_eq!((&*o[1][3], &*o[1][4]), ("1250000.50", "RON"));
}

#[test]
fn quotes_commas_and_line_breaks_come_back_through_a_csv_reader() {
    let l = lead();
    let rows = read_back(&export(ExportMode::Raw, std::slice::from_ref(&l)));
    assert_eq!(rows.len(), 2, "a line break inside a cell is not a new row");
    let cells: Vec<String> = layout(ExportMode::Raw, std::slice::from_ref(&l))
        .header()
        .iter()
        .skip(1)
        .map(|f| l.value(f).unwrap_or_default())
        .collect();
    assert_eq!(rows[1][1..], cells);
    assert_eq!(rows[1][5], "Director, \"Sales\"");
    assert_eq!(rows[1][11], "Call after 15:00\r\nPrefers email; \"urgent\"");
    assert_eq!(rows[1][10], "CRM;Support, 24/7");
}

#[test]
fn raw_mode_writes_exactly_the_stored_values() {
    let (o, a) = (opportunity(), account());
    let row = &read_back(&export(ExportMode::Raw, std::slice::from_ref(&o)))[1];
    assert_eq!(row[0], o.id.to_string());
    assert_eq!(row[5], "2026-12-31");
    assert_eq!(row[8], "2026-05-28T20:26:40.123456Z");
    assert_eq!(row[12], o.account_id.to_string());
    let row = &read_back(&export(ExportMode::Raw, std::slice::from_ref(&a)))[1];
    assert_eq!(row[6], "2026-03-31T23:33:20.000001Z");
    assert_eq!(
        row[5],
        a.owner_id.map(|u| u.to_string()).unwrap_or_default()
    );
}

#[test]
fn absent_values_are_empty_cells() {
    let rows = read_back(&export(ExportMode::Raw, &[bare_lead()]));
    let filled: Vec<&str> = (rows[0].iter().zip(&rows[1]))
        .filter(|(_, v)| !v.is_empty())
        .map(|(h, _)| h.as_str())
        .collect();
    assert_eq!(filled, ["external_id", "first_name", "phone", "source"]);
}

#[test]
fn safe_files_start_with_a_byte_order_mark_and_raw_files_do_not() {
    assert!(export(ExportMode::Safe, &[account()]).starts_with(UTF8_BOM));
    assert!(export(ExportMode::Raw, &[account()]).starts_with(b"external_id,"));
    assert!(export::<Account>(ExportMode::Raw, &[]).ends_with(b"customer_since\r\n"));
}

#[test]
fn a_continuing_chunk_has_rows_but_no_header() {
    let layout = layout(ExportMode::Raw, &[contact()]);
    let mut writer = ExportWriter::continuing(Vec::new(), &layout);
    writer.write(&contact()).expect("row");
    let bytes = writer.finish().expect("flush");
    assert_eq!(read_back(&bytes).len(), 1);
    assert!(!bytes.starts_with(b"external_id"));
}

#[test]
fn a_product_holding_the_list_separator_stops_a_raw_export_but_not_a_safe_one() {
    let mut l = lead();
    l.fields.products = vec!["A; B".into()];
    let mut raw = Layout::<Lead>::new(ExportMode::Raw);
    assert!(matches!(
        raw.scan(&l),
        Err(ExportError::SeparatorInList { product, .. }) if product == "A; B"
    ));
    let safe = Layout::<Lead>::new(ExportMode::Safe);
    assert!(safe.cells(&l).is_ok());
}

#[test]
fn evidence_gained_after_the_scan_stops_a_raw_export() {
    let layout = layout(ExportMode::Raw, &[bare_lead()]);
    let err = layout.cells(&lead()).expect_err("budget has no column");
    assert!(
        matches!(&err, ExportError::UnlistedEvidence { item, .. } if item == "budget"),
        "{err}"
    );
}

#[test]
fn the_list_separator_is_the_imports_default() {
    assert_eq!(Mapping::new(Entity::Leads).list_separator, LIST_SEPARATOR);
}

#[test]
fn identity_mappings_are_valid_and_bind_to_their_exports_header() {
    fn binds<T: Exportable>(records: &[T]) {
        let layout = layout(ExportMode::Raw, records);
        let mapping = layout.identity_mapping();
        let reparsed = Mapping::parse(&mapping.to_toml()).expect("the TOML parses");
        assert_eq!(reparsed, mapping);
        let bound = reparsed.bind(&layout.header()).expect("binds");
        assert_eq!(bound.external_id_column(), Some(EXTERNAL_ID));
        assert!(bound.columns().all(|(c, f)| c == f));
    }
    binds::<Lead>(&[lead()]);
    binds::<Opportunity>(&[opportunity()]);
    binds::<Account>(&[account()]);
    binds::<Contact>(&[contact()]);
    for entity in Entity::ALL {
        assert_eq!(identity_mapping(entity).validate(), Ok(()), "{entity}");
    }
}
