//! The calendar feed, the use cases: a user's feed secret (made, rotated, revoked; stored
//! as a digest only, like API tokens) and the follow-ups the feed shows, read with the
//! owner's own rights. Writing the iCalendar text is the server's (`http/calendar.rs`).

use super::{Actor, Services};
use crate::credentials;
use crate::domain::task::DueFilter;
use crate::domain::{PageRequest, Task, User};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};

/// Follow-ups a calendar feed holds at most (the soonest due).
const FEED_TASKS: usize = 1000;
/// Follow-ups read per page.
const PAGE: u32 = 200;
/// The calendar feed secret's prefix.
const CALENDAR_PREFIX: &str = "cal_";

impl Services {
    /// Makes the actor a new calendar feed secret, replacing any earlier one (whose address
    /// stops working). The secret is returned once; only its digest is stored.
    pub async fn create_calendar_token(&self, actor: &Actor) -> Result<String> {
        actor.require_write()?;
        let user = self.current_user(actor).await?;
        let (secret, _) = credentials::generate_session();
        let secret = format!("{CALENDAR_PREFIX}{secret}");
        let digest = credentials::token_digest(&secret);
        self.store
            .set_calendar_token(user.id, &digest, self.now())
            .await?;
        Ok(secret)
    }

    /// Revokes the actor's calendar feed; not found when they have none.
    pub async fn revoke_calendar_token(&self, actor: &Actor) -> Result<()> {
        actor.require_write()?;
        let user = self.current_user(actor).await?;
        if self.store.clear_calendar_token(user.id, self.now()).await? {
            Ok(())
        } else {
            Err(Error::not_found("calendar feed", user.id))
        }
    }

    /// When the actor's calendar feed secret was made, if they have one.
    pub async fn calendar_token_at(&self, actor: &Actor) -> Result<Option<DateTime<Utc>>> {
        let user = self.current_user(actor).await?;
        Ok(self.store.calendar_token_at(user.id).await?)
    }

    /// The owner of a calendar feed secret and their open follow-ups, soonest due first,
    /// read with their own rights. Not found for an unknown or revoked secret or a disabled
    /// user (the same answer, so a guess learns nothing).
    pub async fn calendar_feed(&self, secret: &str) -> Result<(User, Vec<Task>)> {
        let missing = || Error::not_found("calendar feed", "(secret)");
        if !secret.starts_with(CALENDAR_PREFIX) {
            return Err(missing());
        }
        let digest = credentials::token_digest(secret);
        let Some(id) = self.store.calendar_token_user(&digest).await? else {
            return Err(missing());
        };
        let user = match self.store.get_user(id).await? {
            Some(u) if u.is_active() => u,
            _ => return Err(missing()),
        };
        let actor = self.actor_for(&user).await?;
        let mut tasks = Vec::new();
        let mut page = PageRequest::new(Some(PAGE), None);
        loop {
            let found = self
                .list_tasks(&actor, DueFilter::Open, Some(user.id), None, &page)
                .await?;
            tasks.extend(found.items);
            match found.next {
                Some(next) if tasks.len() < FEED_TASKS => page.after = Some(next),
                _ => break,
            }
        }
        tasks.truncate(FEED_TASKS);
        Ok((user, tasks))
    }
}
