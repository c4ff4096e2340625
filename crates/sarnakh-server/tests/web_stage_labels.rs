//! The default pipeline stages' names in Persian and Romanian in-process: shown on the board,
//! the deal's page and the stage settings while a stage keeps its English name and has no name
//! of its own in the language; a name set for the language, or a renamed stage, wins; the
//! history tab names a deal's stages, never their keys.

mod common;
mod web;

use axum::http::StatusCode;
use common::TestApp;
use sarnakh_core::domain::OpportunityId;
use sarnakh_core::domain::stage_settings::StageFile;
use sarnakh_core::service::Actor;
use web::{deal_of, person, send, user_id};

#[tokio::test]
async fn default_stages_are_named_in_the_readers_language() {
    let app = TestApp::new().await;
    let fa = person(&app, "dara@stages.example", "sales_manager", "fa").await;
    let ro = person(&app, "ioana@stages.example", "sales_manager", "ro").await;
    let en = person(&app, "ed@stages.example", "sales_manager", "en").await;
    let board = send(&app, "GET", "/pipeline", &fa, "").await;
    assert_eq!(board.status, StatusCode::OK);
    for name in ["احراز صلاحیت", "نیازسنجی", "ارائهٔ پیشنهاد", "مذاکره"]
    {
        assert!(board.body.contains(name), "{name}");
    }
    assert!(!board.body.contains(">Negotiation<"));
    let board = send(&app, "GET", "/pipeline", &ro, "").await;
    assert!(board.body.contains("Negociere") && board.body.contains("Analiza nevoilor"));
    let board = send(&app, "GET", "/pipeline", &en, "").await;
    assert!(board.body.contains("Negotiation"));
    let settings = send(&app, "GET", "/settings/stages", &fa, "").await;
    assert!(
        settings.body.contains("<td>مذاکره</td>"),
        "{}",
        settings.body
    );

    // A name of its own for the language wins; a renamed stage keeps its new name.
    let mut stages = StageFile::of(&app.services.list_stages().await.expect("stages")).stages;
    stages[2]
        .labels
        .insert("fa".into(), "نمایش <b>محصول</b>".into());
    stages[3].name = "Offer".into();
    app.services
        .set_stages(&Actor::SYSTEM, &stages, Some(0))
        .await
        .expect("rename");
    let board = send(&app, "GET", "/pipeline", &fa, "").await;
    assert!(board.body.contains("نمایش &#60;b&#62;محصول&#60;/b&#62;"));
    assert!(!board.body.contains(">دمو<"));
    assert!(board.body.contains("Offer") && !board.body.contains("ارائهٔ پیشنهاد"));
    let board = send(&app, "GET", "/pipeline", &ro, "").await;
    assert!(board.body.contains("Demonstrație") && board.body.contains("Offer"));
}

#[tokio::test]
async fn the_history_tab_names_a_deals_stages() {
    let app = TestApp::new().await;
    let fa = person(&app, "dara@history.example", "sales_rep", "fa").await;
    let owner = user_id(&app, "dara@history.example").await;
    let deal: OpportunityId = deal_of(&app, owner, "Bita", "bita@history.example")
        .await
        .parse()
        .expect("id");
    app.services
        .move_opportunity(&Actor::SYSTEM, deal, "negotiation", None)
        .await
        .expect("move");
    let path = format!("/opportunities/{deal}/history");
    let page = send(&app, "GET", &path, &fa, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("\u{2068}احراز صلاحیت\u{2069} ← \u{2068}مذاکره\u{2069}"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("qualify\u{2069} ← \u{2068}negotiation"));
    let deal_page = send(&app, "GET", &format!("/opportunities/{deal}"), &fa, "").await;
    assert!(deal_page.body.contains("مذاکره"));
}
