//! The settings flow of the browser test: an admin signs in, refuses and then saves the
//! speed-to-lead target with the keyboard, adds a webhook (its secret shown once) and switches
//! it off, each page screenshotted; stored script payloads never run.

use super::{PAYLOADS, arrive, not_pwned, shot, text_of, wait_contains, wait_text};
use fantoccini::{Client, Locator};
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::service::{Actor, Services};

/// What the flow reads in one language: the SLA page's title, its refused minutes, its saved
/// notice, the webhooks page's title, the switched-off notice.
pub type Texts = [&'static str; 5];

/// An admin speaking `locale` whose name is a script payload; returns the password.
pub async fn admin(services: &Services, email: &str, locale: &str) -> String {
    let draft = UserDraft {
        email: Some(email.into()),
        display_name: Some(PAYLOADS[0].into()),
        role: Some("admin".into()),
        locale: Some(locale.into()),
        ..UserDraft::default()
    };
    let (_, password) = services
        .add_user(&Actor::SYSTEM, &draft, None)
        .await
        .expect("add admin");
    password
}

async fn sign_in(c: &Client, base: &str, email: &str, password: &str) {
    c.goto(&format!("{base}/inbox")).await.expect("open");
    let field = |css: &'static str| c.find(Locator::Css(css));
    field("input[name=email]")
        .await
        .expect("email")
        .send_keys(email)
        .await
        .expect("type");
    // Enter in the password field sends the form, as a keyboard user does.
    field("input[name=password]")
        .await
        .expect("password")
        .send_keys(&format!("{password}\u{E007}"))
        .await
        .expect("type");
    arrive(c, "/inbox").await;
}

/// Types `text` into the field at `css`, replacing what it held.
async fn retype(c: &Client, css: &str, text: &str) {
    let field = c.find(Locator::Css(css)).await.expect(css);
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

async fn sla(c: &Client, base: &str, lang: &str, texts: Texts, services: &Services) {
    let before = services.sla_settings().await.expect("sla");
    c.goto(&format!("{base}/settings/sla")).await.expect("sla");
    assert_eq!(text_of(c, "main h1").await, texts[0]);
    not_pwned(c).await;
    shot(c, &format!("{lang}-settings-sla")).await;
    retype(c, "#sla-minutes", "0\u{E007}").await;
    wait_contains(c, "#sla-minutes-error", texts[1]).await;
    not_pwned(c).await;
    shot(c, &format!("{lang}-settings-sla-refused")).await;
    assert_eq!(
        services.sla_settings().await.expect("sla"),
        before,
        "a refused value writes nothing"
    );
    // Each language's run adds a day of its weekend.
    let day = if lang == "fa" { "sat" } else { "sun" };
    c.find(Locator::Css(&format!("input[name=days][value={day}]")))
        .await
        .expect("a day")
        .click()
        .await
        .expect("tick");
    retype(c, "#sla-minutes", "30\u{E007}").await;
    wait_contains(c, "p.notice", texts[2]).await;
    let saved = services.sla_settings().await.expect("sla");
    assert_eq!(saved.first_contact_minutes, 30);
    assert!(
        saved
            .working_hours
            .expect("hours")
            .days
            .contains(&day.to_owned())
    );
    shot(c, &format!("{lang}-settings-sla-saved")).await;
}

async fn webhooks(c: &Client, base: &str, lang: &str, texts: Texts) {
    c.goto(&format!("{base}/settings/webhooks"))
        .await
        .expect("webhooks");
    assert_eq!(text_of(c, "main h1").await, texts[3]);
    not_pwned(c).await;
    shot(c, &format!("{lang}-settings-webhooks")).await;
    retype(
        c,
        "#webhook-url",
        &format!("https://hooks.example.com/{lang}"),
    )
    .await;
    retype(c, "#webhook-description", PAYLOADS[1]).await;
    c.find(Locator::Css("input[name=events][value='opportunity.won']"))
        .await
        .expect("an event type")
        .click()
        .await
        .expect("tick");
    c.find(Locator::Css(
        "form[action='/settings/webhooks'] button[type=submit]",
    ))
    .await
    .expect("add")
    .click()
    .await
    .expect("click");
    let secret = text_of(c, "p.notice.secret code").await;
    assert!(
        secret.starts_with("whsec_"),
        "the secret is shown once: {secret}"
    );
    not_pwned(c).await;
    shot(c, &format!("{lang}-settings-webhook-created")).await;
    c.find(Locator::Css("form[action$='/active'] button"))
        .await
        .expect("switch off")
        .click()
        .await
        .expect("click");
    wait_text(c, "p.notice", texts[4]).await;
    not_pwned(c).await;
    shot(c, &format!("{lang}-settings-webhook")).await;
}

/// The settings flow in one language.
pub async fn flow(c: &Client, base: &str, services: &Services, lang: &str, texts: Texts) {
    let email = format!("admin.{lang}@ui.example");
    let password = admin(services, &email, lang).await;
    sign_in(c, base, &email, &password).await;
    sla(c, base, lang, texts, services).await;
    webhooks(c, base, lang, texts).await;
}
