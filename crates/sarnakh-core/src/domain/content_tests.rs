//! Content validation and the suggestion order.

use super::*;
use crate::error::Error;
use chrono::TimeZone;

fn item(stage: ContentStage, products: &[&str], language: &str, minute: u32) -> ContentItem {
    let at = Utc
        .with_ymd_and_hms(2026, 3, 1, 9, minute, 0)
        .single()
        .expect("date");
    ContentItem {
        id: ContentId::new(),
        title: format!("item {minute}"),
        url: "https://example.com/x".into(),
        stage,
        products: products.iter().map(|p| (*p).to_owned()).collect(),
        language: language.into(),
        active: true,
        created_by: None,
        created_at: at,
        updated_at: at,
        version: 1,
    }
}

#[test]
fn urls_must_be_http_or_https_and_every_bad_field_is_named() {
    let draft = ContentDraft {
        title: Some(" ".into()),
        url: Some("javascript:alert(1)".into()),
        stage: Some("customer".into()),
        language: Some("english".into()),
        ..ContentDraft::default()
    };
    let Err(Error::Validation(errors)) = draft.validate() else {
        panic!("refused")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["title", "url", "stage", "language"]);
    for url in [
        "ftp://example.com/a",
        "https://",
        "example.com/page",
        "http://",
    ] {
        let d = ContentDraft {
            title: Some("t".into()),
            url: Some(url.into()),
            stage: Some("lead".into()),
            ..ContentDraft::default()
        };
        assert!(d.validate().is_err(), "{url} accepted");
    }
    let ok = ContentDraft {
        title: Some("Guide".into()),
        url: Some("https://Example.com/guide?x=1".into()),
        stage: Some("lead".into()),
        products: vec!["CRM".into(), "crm".into(), " ".into()],
        language: Some("FA".into()),
        active: None,
    }
    .validate()
    .expect("valid");
    assert_eq!(ok.url, "https://example.com/guide?x=1");
    assert_eq!(
        (ok.language.as_str(), ok.products.len(), ok.active),
        ("fa", 1, true)
    );
}

#[test]
fn suggestions_prefer_the_language_then_the_product_and_skip_what_was_sent() {
    let general_en = item(ContentStage::Lead, &[], "en", 1);
    let crm_fa = item(ContentStage::Lead, &["CRM"], "fa", 2);
    let general_fa = item(ContentStage::Lead, &[], "fa", 3);
    let erp_fa = item(ContentStage::Lead, &["ERP"], "fa", 4);
    let prospect_fa = item(ContentStage::Prospect, &[], "fa", 5);
    let mut inactive = item(ContentStage::Lead, &[], "fa", 0);
    inactive.active = false;
    let items = vec![
        general_en.clone(),
        crm_fa.clone(),
        general_fa.clone(),
        erp_fa,
        prospect_fa,
        inactive,
    ];
    let products = vec!["crm".to_owned()];
    let mut wanted = Wanted {
        products: &products,
        language: Some("fa"),
        sent: HashSet::new(),
    };
    let ids = |w: &Wanted<'_>| -> Vec<ContentId> {
        suggestions(&items, ContentStage::Lead, w)
            .iter()
            .map(|i| i.id)
            .collect()
    };
    assert_eq!(ids(&wanted), [crm_fa.id, general_fa.id, general_en.id]);
    wanted.sent.insert(crm_fa.id);
    assert_eq!(ids(&wanted), [general_fa.id, general_en.id]);
    assert_eq!(
        preferred_language(Some("ir"), Some("en")).as_deref(),
        Some("fa")
    );
    assert_eq!(
        preferred_language(Some("DE"), Some("ro")).as_deref(),
        Some("ro")
    );
    assert_eq!(preferred_language(None, None), None);
}
