//! Nurture content use cases: the library (marketing, managers and admins write; everyone
//! reads), the next suggested item for a lead or an opportunity, and sending an item, which
//! logs an email activity on the record. The content report is in `reports/content.rs`.

use super::{Actor, Services, check_version, found, stale_to_precondition};
use crate::domain::content::{
    ContentDraft, ContentItem, ContentSend, ContentStage, Wanted, preferred_language, suggestions,
};
use crate::domain::lifecycle::LeadStage;
use crate::domain::{
    Activity, ActivityId, ActivityKind, ContentId, Lead, LeadId, OpportunityId, RecordRef, UserId,
};
use crate::error::{Error, Result};
use crate::store::StoreError;

/// The suggestions for one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextContent {
    /// The record.
    pub subject: RecordRef,
    /// The stage its content is for.
    pub stage: ContentStage,
    /// The language preferred for it, if known.
    pub language: Option<String>,
    /// The items to send, best first (the first is the next one); at most five.
    pub items: Vec<ContentItem>,
}

/// Suggestions shown per record.
const SUGGESTIONS: usize = 5;

impl Services {
    /// Adds an item to the library. Refuses bad input with field errors (nothing written).
    pub async fn create_content(&self, actor: &Actor, draft: &ContentDraft) -> Result<ContentItem> {
        actor.require_write()?;
        actor.require_marketing("edit the content library")?;
        let f = draft.validate()?;
        let now = self.now();
        let item = ContentItem {
            id: ContentId::new(),
            title: f.title,
            url: f.url,
            stage: f.stage,
            products: f.products,
            language: f.language,
            active: f.active,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        self.store.insert_content(&item).await?;
        Ok(item)
    }

    /// Replaces an item's fields (`If-Match` guards against lost updates).
    pub async fn update_content(
        &self,
        actor: &Actor,
        id: ContentId,
        draft: &ContentDraft,
        expected: Option<i64>,
    ) -> Result<ContentItem> {
        actor.require_write()?;
        actor.require_marketing("edit the content library")?;
        let before = self.get_content(actor, id).await?;
        let f = draft.validate()?;
        check_version(expected, before.version)?;
        let after = ContentItem {
            title: f.title,
            url: f.url,
            stage: f.stage,
            products: f.products,
            language: f.language,
            active: f.active,
            updated_at: self.now(),
            version: before.version + 1,
            ..before.clone()
        };
        match self.store.update_content(&after, before.version).await {
            Ok(()) => Ok(after),
            Err(e @ StoreError::StaleVersion) => Err(stale_to_precondition(e, || async {
                self.store
                    .get_content(id)
                    .await
                    .ok()
                    .flatten()
                    .map(|c| c.version)
            })
            .await),
            Err(e) => Err(e.into()),
        }
    }

    /// One item (anyone signed in).
    pub async fn get_content(&self, _actor: &Actor, id: ContentId) -> Result<ContentItem> {
        found(self.store.get_content(id).await?, "content", id)
    }

    /// The library, oldest first, optionally one stage's items or only active ones.
    pub async fn list_content(
        &self,
        _actor: &Actor,
        stage: Option<ContentStage>,
        active_only: bool,
    ) -> Result<Vec<ContentItem>> {
        let mut items = self.store.list_content().await?;
        items.retain(|i| stage.is_none_or(|s| i.stage == s) && (i.active || !active_only));
        Ok(items)
    }

    /// The next content for a lead the caller may see: lead-stage items for a lead,
    /// prospect-stage for a prospect, opportunity-stage once converted.
    pub async fn lead_next_content(&self, actor: &Actor, id: LeadId) -> Result<NextContent> {
        let lead = self.get_lead(actor, id).await?;
        let stage = match lead.state.stage {
            LeadStage::Lead => ContentStage::Lead,
            LeadStage::Prospect => ContentStage::Prospect,
            LeadStage::Converted => ContentStage::Opportunity,
        };
        let language = self.language_of(Some(&lead), lead.fields.owner_id).await?;
        self.next_for(RecordRef::Lead(id), stage, &lead.fields.products, language)
            .await
    }

    /// The next content for a deal the caller may see (opportunity-stage items).
    pub async fn opportunity_next_content(
        &self,
        actor: &Actor,
        id: OpportunityId,
    ) -> Result<NextContent> {
        let deal = self.visible_opportunity(actor, id).await?;
        let lead = match deal.lead_id {
            Some(l) => self.store.get_lead(l).await?,
            None => None,
        };
        let language = self.language_of(lead.as_ref(), deal.owner_id).await?;
        let products: Vec<String> = deal.product.into_iter().collect();
        self.next_for(
            RecordRef::Opportunity(id),
            ContentStage::Opportunity,
            &products,
            language,
        )
        .await
    }

    async fn language_of(
        &self,
        lead: Option<&Lead>,
        owner: Option<UserId>,
    ) -> Result<Option<String>> {
        let locale = match owner {
            Some(o) => self.store.get_user(o).await?.map(|u| u.locale.as_str()),
            None => None,
        };
        let country = lead.and_then(|l| l.fields.country.as_deref());
        Ok(preferred_language(country, locale))
    }

    async fn next_for(
        &self,
        subject: RecordRef,
        stage: ContentStage,
        products: &[String],
        language: Option<String>,
    ) -> Result<NextContent> {
        let items = self.store.list_content().await?;
        let wanted = Wanted {
            products,
            language: language.as_deref(),
            sent: self
                .store
                .content_sent_to(subject)
                .await?
                .into_iter()
                .collect(),
        };
        let picked = suggestions(&items, stage, &wanted)
            .into_iter()
            .take(SUGGESTIONS)
            .cloned()
            .collect();
        Ok(NextContent {
            subject,
            stage,
            language,
            items: picked,
        })
    }

    /// Sends an active item to a lead or a deal the caller may log activities on: logs an
    /// email activity ("Sent: title", the URL as body) and the sending, in one transaction.
    pub async fn send_content(
        &self,
        actor: &Actor,
        subject: RecordRef,
        content: ContentId,
    ) -> Result<(Activity, ContentItem)> {
        actor.require_write()?;
        let lead_id = match subject {
            RecordRef::Lead(id) => Some(self.get_lead(actor, id).await?.id),
            RecordRef::Opportunity(id) => self.visible_opportunity(actor, id).await?.lead_id,
            _ => {
                return Err(Error::Conflict(
                    "content is sent to leads and opportunities".into(),
                ));
            }
        };
        let item = self.get_content(actor, content).await?;
        if !item.active {
            return Err(Error::Conflict(format!(
                "content {} is inactive: activate it before sending it",
                item.id
            )));
        }
        let now = self.now();
        let activity = Activity {
            id: ActivityId::new(),
            subject,
            kind: ActivityKind::Email,
            outcome: None,
            summary: format!("Sent: {}", item.title),
            body: Some(item.url.clone()),
            occurred_at: now,
            owner_id: actor.user_id,
            created_at: now,
        };
        let send = ContentSend {
            content_id: item.id,
            activity_id: activity.id,
            subject,
            lead_id,
            sent_at: now,
            sent_by: actor.user_id,
        };
        self.store.insert_content_send(&activity, &send).await?;
        Ok((activity, item))
    }
}
