//! Browser sessions and sign-in. Sign-in answers the same for an unknown email and a wrong
//! password (and takes the same time), and is throttled per client address and per
//! account-and-address pair, so guessing is slowed without letting anyone lock a real user
//! out from their own address. Sessions end after idle and absolute timeouts, at sign-out,
//! when the password changes and when the user is disabled.

use super::{Actor, Services, found};
use crate::credentials;
use crate::domain::{Session, TokenScope, User, UserId};
use crate::error::{Error, Result};
use chrono::{DateTime, Duration, Utc};

/// A session ends after this long without a request.
pub const SESSION_IDLE: Duration = Duration::hours(2);
/// A session ends this long after sign-in, whatever the activity.
pub const SESSION_ABSOLUTE: Duration = Duration::hours(12);
/// Failed sign-ins are counted over this window.
pub const LOGIN_WINDOW: Duration = Duration::minutes(15);
/// Failures allowed per client address in the window.
pub const LOGIN_LIMIT_PER_ADDRESS: i64 = 20;
/// Failures allowed per account from one address in the window.
pub const LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS: i64 = 5;

/// A successful sign-in: the user and the session secret for their cookie.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Who signed in.
    pub user: User,
    /// The cookie value; shown once, stored only as a digest.
    pub secret: String,
    /// When the session ends at the latest.
    pub expires_at: DateTime<Utc>,
}

impl Services {
    /// Signs a user in from `client` (their address), or refuses with
    /// [`Error::InvalidCredentials`] or [`Error::RateLimited`].
    pub async fn sign_in(&self, email: &str, password: &str, client: &str) -> Result<SignedIn> {
        let email = email.trim().to_lowercase();
        let now = self.now();
        let keys = [
            format!("address:{client}"),
            format!("account:{email}|{client}"),
        ];
        let since = now - LOGIN_WINDOW;
        let limits = [LOGIN_LIMIT_PER_ADDRESS, LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS];
        for (key, limit) in keys.iter().zip(limits) {
            if self.store.count_login_failures(key, since).await? >= limit {
                return Err(Error::RateLimited {
                    retry_after: LOGIN_WINDOW.num_seconds().unsigned_abs(),
                });
            }
        }
        let found = self.store.get_user_by_email(&email).await?;
        let hash = found
            .as_ref()
            .and_then(|(_, h)| h.as_deref())
            .unwrap_or_else(|| credentials::decoy_hash());
        let matches = credentials::verify_password(password, hash);
        let user = match found {
            Some((user, Some(_))) if matches && user.is_active() => user,
            _ => {
                self.store.record_login_failure(&keys, now, since).await?;
                return Err(Error::InvalidCredentials);
            }
        };
        self.store.clear_login_failures(&keys[1]).await?;
        let (secret, digest) = credentials::generate_session();
        let session = Session {
            user_id: user.id,
            created_at: now,
            last_seen_at: now,
            expires_at: now + SESSION_ABSOLUTE,
            revoked_at: None,
        };
        self.store.insert_session(&digest, &session).await?;
        Ok(SignedIn {
            user,
            secret,
            expires_at: session.expires_at,
        })
    }

    /// Resolves a session cookie into an actor, or [`Error::Unauthenticated`].
    pub async fn authenticate_session(&self, secret: &str) -> Result<Actor> {
        let digest = credentials::token_digest(secret);
        let Some((session, user)) = self.store.find_session(&digest).await? else {
            return Err(Error::Unauthenticated);
        };
        let now = self.now();
        let over = session.revoked_at.is_some()
            || now >= session.expires_at
            || now - session.last_seen_at >= SESSION_IDLE;
        if over || !user.is_active() {
            return Err(Error::Unauthenticated);
        }
        if now - session.last_seen_at > Duration::minutes(1) {
            self.store.touch_session(&digest, now).await?;
        }
        self.principal_of(&user, TokenScope::Write)
            .await
            .map(Actor::user)
    }

    /// Signs out: the session stops working at once.
    pub async fn sign_out(&self, secret: &str) -> Result<()> {
        Ok(self
            .store
            .revoke_session(&credentials::token_digest(secret), self.now())
            .await?)
    }

    /// Sets a new password (the user's own, or anyone's for an admin) and ends every session
    /// of that user.
    pub async fn set_password(&self, actor: &Actor, user: UserId, password: &str) -> Result<()> {
        actor.require_write()?;
        if actor.user_id != Some(user) {
            actor.require_admin()?;
        }
        let target = found(self.store.get_user(user).await?, "user", user)?;
        credentials::check_password(password, &[&target.email, &target.display_name])
            .map_err(|e| Error::Validation(vec![e.under("password")]))?;
        self.store
            .set_password_hash(user, &credentials::hash_password(password))
            .await?;
        Ok(self.store.revoke_user_sessions(user, self.now()).await?)
    }

    /// Changes the actor's own password, which they must confirm with the current one.
    pub async fn change_own_password(&self, actor: &Actor, current: &str, new: &str) -> Result<()> {
        actor.require_write()?;
        let user_id = actor.user_id.ok_or(Error::Unauthenticated)?;
        let user = found(self.store.get_user(user_id).await?, "user", user_id)?;
        let stored = self
            .store
            .get_user_by_email(&user.email)
            .await?
            .and_then(|(_, hash)| hash);
        if !stored.is_some_and(|hash| credentials::verify_password(current, &hash)) {
            return Err(Error::field(
                "current_password",
                "wrong_password",
                "the current password is wrong",
            ));
        }
        self.set_password(actor, user_id, new).await
    }

    /// Disables a user (admins only): their sessions end and their tokens stop working.
    pub async fn disable_user(&self, actor: &Actor, user: UserId) -> Result<()> {
        actor.require_write()?;
        actor.require_admin()?;
        found(self.store.get_user(user).await?, "user", user)?;
        Ok(self.store.disable_user(user, self.now()).await?)
    }
}
