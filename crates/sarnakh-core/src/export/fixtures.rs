//! Fully filled records for the export tests: every import field has a value, and the text
//! holds what CSV and spreadsheets find hard (quotes, commas, line breaks, formula starts).

use super::{ExportMode, ExportWriter, Exportable, Layout};
use crate::domain::lead::LeadDraft;
use crate::domain::opportunity::LossReason;
use crate::domain::test_support::lead_with_score;
use crate::domain::{
    Account, AccountId, Contact, ContactId, Currency, Email, Lead, LeadId, Money, Opportunity,
    OpportunityId, OpportunityStatus, Phone, UserId,
};
use chrono::{DateTime, NaiveDate, Utc};

/// An instant with microseconds, as the stores keep them.
pub(super) fn at(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).expect("in range")
}

pub(super) fn lead() -> Lead {
    let evidence = [("budget", "50k EUR, approved"), ("timeline", "-Q3 or Q4")];
    lead_with_score(
        LeadDraft {
            first_name: Some("Ana".into()),
            last_name: Some("Popescu".into()),
            email: Some("ana@firma.ro".into()),
            phone: Some("0721 234 567".into()),
            job_title: Some("Director, \"Sales\"".into()),
            company: Some("=HYPERLINK(\"http://x\")".into()),
            country: Some("RO".into()),
            source: Some("event".into()),
            campaign: Some("Târg 2026".into()),
            products: vec!["CRM".into(), "Support, 24/7".into()],
            notes: Some("Call after 15:00\r\nPrefers email; \"urgent\"".into()),
            company_size: Some(1200),
            industry: Some("Retail".into()),
            need: Some("+ more leads".into()),
            decision_role: Some("decision_maker".into()),
            owner_id: Some(UserId::new()),
            evidence: evidence
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            visitor_id: None,
        },
        10,
    )
}

/// A lead with only the required values.
pub(super) fn bare_lead() -> Lead {
    lead_with_score(
        LeadDraft {
            first_name: Some("Ali".into()),
            phone: Some("+989121234567".into()),
            ..LeadDraft::default()
        },
        0,
    )
}

pub(super) fn opportunity() -> Opportunity {
    let ron = Currency::parse("RON").expect("a currency");
    Opportunity {
        id: OpportunityId::new(),
        account_id: AccountId::new(),
        contact_id: Some(ContactId::new()),
        lead_id: Some(LeadId::new()),
        name: "@Pars Co - CRM".into(),
        product: Some("CRM".into()),
        amount: Money::parse_decimal("1250000.50", ron).expect("an amount"),
        expected_close_date: NaiveDate::from_ymd_opt(2026, 12, 31),
        stage: "closed_lost".into(),
        status: OpportunityStatus::Lost,
        forecast_category: None,
        loss_reason: Some(LossReason::Price),
        close_note: Some("-10% was not enough".into()),
        closed_at: Some(at(1_780_000_000_123_456)),
        owner_id: Some(UserId::new()),
        created_at: at(1_770_000_000_000_000),
        updated_at: at(1_780_000_000_123_456),
        version: 3,
    }
}

pub(super) fn account() -> Account {
    Account {
        id: AccountId::new(),
        name: "Firma, SRL".into(),
        name_key: "firma, srl".into(),
        industry: Some("Retail".into()),
        company_size: Some(80),
        country: Some("RO".into()),
        owner_id: Some(UserId::new()),
        customer_since: Some(at(1_775_000_000_000_001)),
        created_at: at(1_770_000_000_000_000),
        updated_at: at(1_775_000_000_000_001),
        version: 2,
    }
}

pub(super) fn contact() -> Contact {
    Contact {
        id: ContactId::new(),
        account_id: AccountId::new(),
        lead_id: Some(LeadId::new()),
        first_name: "Reza".into(),
        last_name: Some("Karimi".into()),
        email: Some(Email::parse("reza@pars.ir").expect("an email")),
        phone: Some(Phone::parse("+989121234567", None).expect("a phone")),
        job_title: Some("@CTO".into()),
        created_at: at(1_770_000_000_000_000),
        version: 1,
    }
}

/// The layout for `records` in `mode`, scanned when it needs to be.
pub(super) fn layout<T: Exportable>(mode: ExportMode, records: &[T]) -> Layout<T> {
    let mut layout = Layout::new(mode);
    if layout.needs_scan() {
        for r in records {
            layout.scan(r).expect("exportable");
        }
    }
    layout
}

/// A whole export of `records` as bytes.
pub(super) fn export<T: Exportable>(mode: ExportMode, records: &[T]) -> Vec<u8> {
    let layout = layout(mode, records);
    let mut writer = ExportWriter::new(Vec::new(), &layout).expect("header");
    for r in records {
        writer.write(r).expect("row");
    }
    writer.finish().expect("flush")
}

/// The rows of an export read back with the `csv` crate (header first), byte order mark
/// dropped.
pub(super) fn read_back(bytes: &[u8]) -> Vec<Vec<String>> {
    let bytes = bytes.strip_prefix(super::UTF8_BOM).unwrap_or(bytes);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
        .collect()
}
