//! Saved views: a signed-in user names the filters of a list and finds them as links above
//! it. Each user reads and deletes only their own; a view stores a query string, never
//! rows, so opening one shows only what its user may see at that moment.

use super::{Actor, Services};
use crate::domain::saved_view::{MAX_VIEW_QUERY, MAX_VIEWS, SavedView, VIEW_LISTS};
use crate::domain::{UserId, text};
use crate::error::{Error, Errors, FieldError, Result};

fn owner(actor: &Actor) -> Result<UserId> {
    actor
        .user_id
        .ok_or_else(|| Error::Forbidden("saved views belong to a signed-in user".into()))
}

fn list_name(list: &str) -> Result<&'static str, FieldError> {
    VIEW_LISTS.into_iter().find(|l| *l == list).ok_or_else(|| {
        FieldError::new(
            "",
            "unknown_value",
            format!("one of {}", VIEW_LISTS.join(", ")),
        )
    })
}

fn query(raw: &str) -> Result<String, FieldError> {
    let q = raw.trim().trim_start_matches('?');
    if q.len() > MAX_VIEW_QUERY {
        return Err(FieldError::new(
            "",
            "too_long",
            format!("at most {MAX_VIEW_QUERY} bytes"),
        ));
    }
    if q.chars().any(|c| c.is_control() || c == '#') {
        return Err(FieldError::new("", "invalid", "not a query string"));
    }
    Ok(q.to_owned())
}

impl Services {
    /// Saves the actor's view of `list` under `name` (the same name again replaces it).
    /// Refused with field errors for an unknown list, an empty or long name, a query that is
    /// no query string, or when the user already keeps [`MAX_VIEWS`] views of the list.
    pub async fn save_view(
        &self,
        actor: &Actor,
        list: &str,
        name: &str,
        raw_query: &str,
    ) -> Result<SavedView> {
        actor.require_write()?;
        let user = owner(actor)?;
        let mut e = Errors::new();
        let list = e.take("list", list_name(list));
        let name = e.take("name", text::required(name, 100));
        let query = e.take("query", query(raw_query));
        e.finish()?;
        let checked = "validated above";
        let (list, name) = (list.expect(checked), name.expect(checked));
        let existing = self.store.saved_views(user, list).await?;
        if existing.len() >= MAX_VIEWS && !existing.iter().any(|v| v.name == name) {
            return Err(Error::field(
                "name",
                "too_many",
                format!("at most {MAX_VIEWS} views per list; delete one first"),
            ));
        }
        let view = SavedView {
            id: uuid::Uuid::now_v7(),
            user_id: user,
            list: list.to_owned(),
            name,
            query: query.expect(checked),
            created_at: self.now(),
        };
        self.store.save_view(&view).await?;
        Ok(view)
    }

    /// The actor's own views of `list`, by name (none for an unknown list).
    pub async fn saved_views(&self, actor: &Actor, list: &str) -> Result<Vec<SavedView>> {
        let user = owner(actor)?;
        Ok(self.store.saved_views(user, list).await?)
    }

    /// Deletes one of the actor's views; another's, or none, is "not found".
    pub async fn delete_view(&self, actor: &Actor, id: uuid::Uuid) -> Result<()> {
        actor.require_write()?;
        let user = owner(actor)?;
        if self.store.delete_view(user, id).await? {
            Ok(())
        } else {
            Err(Error::not_found("saved view", id))
        }
    }
}
