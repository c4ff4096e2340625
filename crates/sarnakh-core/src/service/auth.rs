//! Users and credentials: adding users (admins and the operator's console), API tokens
//! (created, listed and revoked by their user or an admin), and turning a presented token
//! into an [`Actor`] with the policy's rights.

use super::{Actor, Services, found};
use crate::credentials::{self, TOKEN_PREFIX};
use crate::domain::user::UserDraft;
use crate::domain::{ApiToken, Role, Team, TeamId, TokenId, TokenScope, User, UserId, text};
use crate::error::{Error, Result};
use crate::policy::Principal;
use chrono::Duration;

/// Most characters of a token's name.
const TOKEN_NAME_MAX: usize = 100;

impl Services {
    /// Adds a user (admins only). Without `password` one is generated; either way the
    /// password is returned once and only its argon2id hash is stored.
    pub async fn add_user(
        &self,
        actor: &Actor,
        draft: &UserDraft,
        password: Option<&str>,
    ) -> Result<(User, String)> {
        actor.require_write()?;
        actor.require_admin()?;
        let new = draft.validate()?;
        let password = match password {
            Some(p) => {
                credentials::check_password(p, &[&new.email, &new.display_name])
                    .map_err(|e| Error::Validation(vec![e.under("password")]))?;
                p.to_owned()
            }
            None => credentials::generate_password(),
        };
        if self.store.get_user_by_email(&new.email).await?.is_some() {
            return Err(Error::field(
                "email",
                "taken",
                "another user has this email",
            ));
        }
        let now = self.now();
        let team = match &new.team {
            Some(name) => Some(
                self.store
                    .ensure_team(&Team {
                        id: TeamId::new(),
                        name: name.clone(),
                        created_at: now,
                    })
                    .await?
                    .id,
            ),
            None => None,
        };
        let user = User {
            team_id: team,
            locale: new.locale,
            time_zone: new.time_zone.clone(),
            ..User::new(&new.email, &new.display_name, new.role, now)
        };
        self.store.insert_user(&user).await?;
        self.store
            .set_password_hash(user.id, &credentials::hash_password(&password))
            .await?;
        Ok((user, password))
    }

    /// The signed-in user behind `actor`.
    pub async fn current_user(&self, actor: &Actor) -> Result<User> {
        let id = actor.user_id.ok_or(Error::Unauthenticated)?;
        self.store
            .get_user(id)
            .await?
            .filter(|u| u.disabled_at.is_none())
            .ok_or(Error::Unauthenticated)
    }

    /// Changes the signed-in user's own language and time zone.
    pub async fn set_own_preferences(
        &self,
        actor: &Actor,
        draft: &crate::domain::user::PreferencesDraft,
    ) -> Result<User> {
        actor.require_write()?;
        let current = self.current_user(actor).await?;
        let (locale, zone) = draft.validate()?;
        let locale = locale.unwrap_or(current.locale);
        let zone = zone.unwrap_or_else(|| current.time_zone.clone());
        self.store
            .set_preferences(current.id, locale.as_str(), &zone)
            .await?;
        Ok(User {
            locale,
            time_zone: zone,
            version: current.version + 1,
            ..current
        })
    }

    /// The user with this email, if any (for the operator's console).
    pub async fn find_user(&self, email: &str) -> Result<Option<User>> {
        Ok(self
            .store
            .get_user_by_email(&email.trim().to_lowercase())
            .await?
            .map(|(u, _)| u))
    }

    /// Creates an API token for `user` (the actor's own, or anyone's for an admin). The
    /// secret is returned once.
    pub async fn create_token(
        &self,
        actor: &Actor,
        user: UserId,
        name: &str,
        scope: TokenScope,
    ) -> Result<(ApiToken, String)> {
        actor.require_write()?;
        if actor.user_id != Some(user) {
            actor.require_admin()?;
        }
        let name = text::required(name, TOKEN_NAME_MAX)
            .map_err(|e| Error::Validation(vec![e.under("name")]))?;
        let owner = found(self.store.get_user(user).await?, "user", user)?;
        if !owner.is_active() {
            return Err(Error::Conflict("the user is disabled".into()));
        }
        let (secret, digest) = credentials::generate_token();
        let token = ApiToken {
            id: TokenId::new(),
            user_id: user,
            name,
            prefix: secret.chars().take(TOKEN_PREFIX.len() + 6).collect(),
            scope,
            created_at: self.now(),
            last_used_at: None,
            revoked_at: None,
        };
        self.store.insert_token(&token, &digest).await?;
        Ok((token, secret))
    }

    /// A user's tokens (their own, or anyone's for an admin).
    pub async fn list_tokens(&self, actor: &Actor, user: UserId) -> Result<Vec<ApiToken>> {
        if actor.user_id != Some(user) {
            actor.require_admin()?;
        }
        Ok(self.store.list_tokens(user).await?)
    }

    /// Revokes a token of the actor's (or any token, for an admin).
    pub async fn revoke_token(&self, actor: &Actor, id: TokenId) -> Result<ApiToken> {
        actor.require_write()?;
        let token = self
            .store
            .get_token(id)
            .await?
            .filter(|t| actor.user_id == Some(t.user_id) || actor.require_admin().is_ok());
        found(token, "token", id)?;
        self.store.revoke_token(id, self.now()).await?;
        found(self.store.get_token(id).await?, "token", id)
    }

    /// Resolves a presented API token into an actor, or [`Error::Unauthenticated`] for an
    /// unknown, revoked or disabled one. Records the use at most once a minute.
    pub async fn authenticate_token(&self, secret: &str) -> Result<Actor> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Err(Error::Unauthenticated);
        }
        let Some((token, user)) = self
            .store
            .find_token(&credentials::token_digest(secret))
            .await?
        else {
            return Err(Error::Unauthenticated);
        };
        if token.revoked_at.is_some() || !user.is_active() {
            return Err(Error::Unauthenticated);
        }
        let now = self.now();
        if token
            .last_used_at
            .is_none_or(|t| now - t > Duration::minutes(1))
        {
            self.store.touch_token(token.id, now).await?;
        }
        let mut principal = self.principal_of(&user, token.scope).await?;
        principal.token_id = Some(token.id);
        Ok(Actor::user(principal))
    }

    pub(super) async fn principal_of(&self, user: &User, scope: TokenScope) -> Result<Principal> {
        let team_members = match (user.role, user.team_id) {
            (Role::SalesManager, Some(team)) => self.store.team_members(team).await?,
            _ => Vec::new(),
        };
        Ok(Principal {
            user_id: user.id,
            role: user.role,
            team_id: user.team_id,
            team_members,
            scope,
            token_id: None,
        })
    }
}
