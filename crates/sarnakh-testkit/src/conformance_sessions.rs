//! Conformance behaviours of sign-in and sessions: identical refusals, throttling without
//! lock-out, and every way a session ends.

use crate::Fixture;
use chrono::Duration;
use sarnakh_core::Error;
use sarnakh_core::domain::TokenScope;
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::service::Actor;
use sarnakh_core::store::Store;
use std::sync::Arc;

const PASSWORD: &str = "amber lantern orchard violin";

async fn user_with_password(f: &Fixture, email: &str) -> sarnakh_core::domain::User {
    let draft = UserDraft {
        email: Some(email.into()),
        display_name: Some("Test User".into()),
        role: Some("sales_rep".into()),
        ..UserDraft::default()
    };
    f.services
        .add_user(&Actor::SYSTEM, &draft, Some(PASSWORD))
        .await
        .expect("add user")
        .0
}

/// Unknown email and wrong password are refused alike; guessing from one address is
/// throttled, and the real user signs in from their own address all the same.
pub async fn sign_in_refuses_alike_and_throttles_without_lock_out(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    user_with_password(&f, "ioana@example.ro").await;
    let unknown = f
        .services
        .sign_in("nobody@example.ro", PASSWORD, "10.0.0.9")
        .await;
    let wrong = f
        .services
        .sign_in("ioana@example.ro", "not the password at all", "10.0.0.9")
        .await;
    assert!(
        matches!(unknown, Err(Error::InvalidCredentials))
            && matches!(wrong, Err(Error::InvalidCredentials))
    );
    for _ in 0..4 {
        let _ = f
            .services
            .sign_in("ioana@example.ro", "still not the password", "10.0.0.9")
            .await;
    }
    let throttled = f
        .services
        .sign_in("ioana@example.ro", PASSWORD, "10.0.0.9")
        .await;
    assert!(
        matches!(throttled, Err(Error::RateLimited { .. })),
        "{throttled:?}"
    );
    let own_address = f
        .services
        .sign_in(" Ioana@Example.RO ", PASSWORD, "192.0.2.7")
        .await
        .expect("own address still works");
    assert_eq!(own_address.user.email, "ioana@example.ro");
    f.advance(Duration::minutes(16));
    assert!(
        f.services
            .sign_in("ioana@example.ro", PASSWORD, "10.0.0.9")
            .await
            .is_ok(),
        "the window passes"
    );
}

/// A session ends when idle too long, at sign-out, and when the password changes; a
/// disabled user's tokens stop working too.
pub async fn sessions_end_on_idle_sign_out_password_change_and_disable(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let user = user_with_password(&f, "dan@example.ro").await;
    let s = f
        .services
        .sign_in("dan@example.ro", PASSWORD, "10.0.0.1")
        .await
        .expect("sign in");
    assert_eq!(
        f.services
            .authenticate_session(&s.secret)
            .await
            .expect("session")
            .user_id,
        Some(user.id)
    );
    f.advance(Duration::minutes(119));
    assert!(
        f.services.authenticate_session(&s.secret).await.is_ok(),
        "activity keeps it alive"
    );
    f.advance(Duration::minutes(121));
    assert!(
        matches!(
            f.services.authenticate_session(&s.secret).await,
            Err(Error::Unauthenticated)
        ),
        "idle timeout"
    );
    let s = f
        .services
        .sign_in("dan@example.ro", PASSWORD, "10.0.0.1")
        .await
        .expect("sign in");
    f.services.sign_out(&s.secret).await.expect("sign out");
    assert!(
        f.services.authenticate_session(&s.secret).await.is_err(),
        "signed out"
    );
    let s = f
        .services
        .sign_in("dan@example.ro", PASSWORD, "10.0.0.1")
        .await
        .expect("sign in");
    let me = f
        .services
        .authenticate_session(&s.secret)
        .await
        .expect("session");
    let weak = f.services.set_password(&me, user.id, "password1234").await;
    assert!(matches!(weak, Err(Error::Validation(_))), "{weak:?}");
    assert!(
        f.services.authenticate_session(&s.secret).await.is_ok(),
        "a refused change ends nothing"
    );
    f.services
        .set_password(&me, user.id, "quiet meadow copper kettle")
        .await
        .expect("new password");
    assert!(
        f.services.authenticate_session(&s.secret).await.is_err(),
        "password change ends sessions"
    );
    assert!(
        f.services
            .sign_in("dan@example.ro", PASSWORD, "10.0.0.1")
            .await
            .is_err()
    );
    let (_, token) = f
        .services
        .create_token(&Actor::SYSTEM, user.id, "t", TokenScope::Read)
        .await
        .expect("token");
    let s = f
        .services
        .sign_in("dan@example.ro", "quiet meadow copper kettle", "10.0.0.1")
        .await
        .expect("sign in");
    f.services
        .disable_user(&Actor::SYSTEM, user.id)
        .await
        .expect("disable");
    assert!(f.services.authenticate_session(&s.secret).await.is_err());
    assert!(matches!(
        f.services.authenticate_token(&token).await,
        Err(Error::Unauthenticated)
    ));
    assert!(matches!(
        f.services
            .sign_in("dan@example.ro", "quiet meadow copper kettle", "10.0.0.2")
            .await,
        Err(Error::InvalidCredentials)
    ));
}
