//! Webhook use cases (admins only): subscriptions with a secret shown once (at creation and
//! rotation), their deliveries and the dead-letter list, and manual replay. Delivery itself
//! is the server's background job over the store port.

use super::{Actor, Services, check_version, found, stale_to_precondition};
use crate::credentials::generate_session;
use crate::domain::webhook::{Delivery, DeliveryStatus, Webhook, WebhookDraft};
use crate::domain::{DeliveryId, WebhookId};
use crate::error::{Error, Result};
use crate::store::StoreError;

/// Most deliveries one list returns.
pub const MAX_DELIVERIES: u32 = 500;

fn new_secret() -> String {
    format!("whsec_{}", generate_session().0)
}

impl Services {
    /// Adds a subscription; its `secret` is in the answer and never shown again (rotate to
    /// get a new one). Field errors on `url` (refused or invalid) and `events` write nothing.
    pub async fn create_webhook(&self, actor: &Actor, draft: &WebhookDraft) -> Result<Webhook> {
        actor.require_write()?;
        actor.require_admin()?;
        let f = draft.validate(true, self.webhook_allow_private)?;
        let now = self.now();
        let hook = Webhook {
            id: WebhookId::new(),
            url: f.url.expect("validate requires a url when creating"),
            events: f.events.expect("validate requires events when creating"),
            active: draft.active.unwrap_or(true),
            secret: new_secret(),
            description: draft.description.clone().filter(|d| !d.trim().is_empty()),
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        self.store.insert_webhook(&hook).await?;
        Ok(hook)
    }

    /// Every subscription (admins).
    pub async fn list_webhooks(&self, actor: &Actor) -> Result<Vec<Webhook>> {
        actor.require_admin()?;
        Ok(self.store.list_webhooks().await?)
    }

    /// One subscription (admins).
    pub async fn get_webhook(&self, actor: &Actor, id: WebhookId) -> Result<Webhook> {
        actor.require_admin()?;
        found(self.store.get_webhook(id).await?, "webhook", id)
    }

    /// Changes the fields given (url, events, active, description); `If-Match` guards
    /// against lost updates.
    pub async fn update_webhook(
        &self,
        actor: &Actor,
        id: WebhookId,
        draft: &WebhookDraft,
        expected: Option<i64>,
    ) -> Result<Webhook> {
        actor.require_write()?;
        let before = self.get_webhook(actor, id).await?;
        let f = draft.validate(false, self.webhook_allow_private)?;
        check_version(expected, before.version)?;
        let after = Webhook {
            url: f.url.unwrap_or_else(|| before.url.clone()),
            events: f.events.unwrap_or_else(|| before.events.clone()),
            active: draft.active.unwrap_or(before.active),
            description: match &draft.description {
                Some(d) if d.trim().is_empty() => None,
                Some(d) => Some(d.clone()),
                None => before.description.clone(),
            },
            updated_at: self.now(),
            version: before.version + 1,
            ..before.clone()
        };
        self.save_webhook(after, before.version).await
    }

    /// Replaces the signing secret; the new one is in the answer, once.
    pub async fn rotate_webhook_secret(&self, actor: &Actor, id: WebhookId) -> Result<Webhook> {
        actor.require_write()?;
        let before = self.get_webhook(actor, id).await?;
        let after = Webhook {
            secret: new_secret(),
            updated_at: self.now(),
            version: before.version + 1,
            ..before.clone()
        };
        self.save_webhook(after, before.version).await
    }

    async fn save_webhook(&self, after: Webhook, expected: i64) -> Result<Webhook> {
        let id = after.id;
        match self.store.update_webhook(&after, expected).await {
            Ok(()) => Ok(after),
            Err(e @ StoreError::StaleVersion) => Err(stale_to_precondition(e, || async {
                self.store
                    .get_webhook(id)
                    .await
                    .ok()
                    .flatten()
                    .map(|w| w.version)
            })
            .await),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes a subscription and its deliveries.
    pub async fn delete_webhook(&self, actor: &Actor, id: WebhookId) -> Result<()> {
        actor.require_write()?;
        actor.require_admin()?;
        match self.store.delete_webhook(id).await {
            Err(StoreError::NotFound) => Err(Error::not_found("webhook", id)),
            other => Ok(other?),
        }
    }

    /// A subscription's deliveries, newest first, optionally one status (`dead`: the
    /// dead-letter list); at most `limit` (capped at [`MAX_DELIVERIES`]).
    pub async fn list_webhook_deliveries(
        &self,
        actor: &Actor,
        id: WebhookId,
        status: Option<DeliveryStatus>,
        limit: u32,
    ) -> Result<Vec<Delivery>> {
        self.get_webhook(actor, id).await?;
        let limit = limit.clamp(1, MAX_DELIVERIES);
        Ok(self.store.list_deliveries(id, status, limit).await?)
    }

    /// Sends a dead (or delivered) delivery again: pending at once, attempts reset, the same
    /// delivery id (the subscriber's idempotency key) and body. Conflict if it is still
    /// pending or being delivered.
    pub async fn replay_webhook_delivery(&self, actor: &Actor, id: DeliveryId) -> Result<Delivery> {
        actor.require_write()?;
        actor.require_admin()?;
        match self.store.replay_delivery(id, self.now()).await {
            Ok(d) => Ok(d),
            Err(StoreError::NotFound) => Err(Error::not_found("delivery", id)),
            Err(StoreError::Conflict { .. }) => Err(Error::Conflict(
                "the delivery is still pending or being delivered; only dead or delivered ones are replayed".into(),
            )),
            Err(e) => Err(e.into()),
        }
    }
}
