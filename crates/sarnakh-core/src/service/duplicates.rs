//! Duplicates: the policy (allow, warn, block) applied on every capture path, the list of
//! probable duplicate pairs, marking a pair "not the same person", and merging two leads
//! field by field with everything re-pointed and both histories kept.

use super::{Actor, Services, check_version, found};
use crate::domain::duplicate::{
    DuplicateAction, DuplicateMatch, DuplicateSettings, MERGE_FIELDS, MatchReason, PersonRecord,
    judge, merge_drafts,
};
use crate::domain::lead::LeadFields;
use crate::domain::lifecycle::{DisqualifyReason, LeadStatus};
use crate::domain::{HistoryEntry, Lead, LeadId, RecordRef};
use crate::error::{Error, FieldError, Result};
use crate::policy::lead_visible;
use crate::store::{LeadMerge, StoreError};

/// Settings key of the duplicate policy.
const SETTINGS_KEY: &str = "duplicates";
/// Look-alikes read per rule and kind when checking one new lead.
const PROBE_LIMIT: u32 = 200;
/// Rows read per rule when listing pairs.
const PAIR_SCAN: u32 = 5000;
/// Most pairs a list returns.
pub const MAX_PAIRS: usize = 200;

/// A probable duplicate pair among leads.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicatePair {
    /// The older id.
    pub first: PersonRecord,
    /// The newer id.
    pub second: PersonRecord,
    /// Why.
    pub reason: MatchReason,
    /// How sure, 0..1.
    pub confidence: f64,
}

/// How to merge another lead into this one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeInput {
    /// The lead merged away.
    pub other: Option<LeadId>,
    /// Fields to take from the other lead (else the survivor's value, or the other's where
    /// the survivor has none).
    pub take: Vec<String>,
    /// The survivor's version the caller saw.
    pub expected_version: Option<i64>,
    /// The other lead's version the caller saw.
    pub other_expected_version: Option<i64>,
}

impl Services {
    /// The duplicate policy in force (default: warn, name similarity 0.92).
    pub async fn duplicate_settings(&self) -> Result<DuplicateSettings> {
        self.setting_or_default(SETTINGS_KEY).await
    }

    /// Changes the duplicate policy (sales managers and admins).
    pub async fn set_duplicate_settings(
        &self,
        actor: &Actor,
        settings: DuplicateSettings,
    ) -> Result<DuplicateSettings> {
        actor.require_write()?;
        actor.require_override().map_err(|_| {
            Error::Forbidden(
                "only a sales manager or an admin may change the duplicate policy".into(),
            )
        })?;
        settings.check().map_err(|e| Error::Validation(vec![e]))?;
        self.save_setting(actor, SETTINGS_KEY, &settings).await?;
        Ok(settings)
    }

    /// The leads and contacts a new lead with `fields` would look like, most certain first,
    /// and the policy to apply.
    pub(super) async fn duplicates_of(
        &self,
        actor: &Actor,
        fields: &LeadFields,
    ) -> Result<(DuplicateAction, Vec<DuplicateMatch>)> {
        let settings = self.duplicate_settings().await?;
        if settings.action == DuplicateAction::Allow {
            return Ok((settings.action, Vec::new()));
        }
        let p = &fields.person;
        let probe = PersonRecord {
            record: RecordRef::Lead(LeadId::from_uuid(uuid::Uuid::nil())),
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            email: p.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: p.phone.as_ref().map(|p| p.as_str().to_owned()),
            company: fields.company.clone(),
            owner_id: fields.owner_id,
            team_id: None,
        };
        let matches = self.look_alikes(actor, &probe, &settings).await?;
        Ok((settings.action, matches))
    }

    /// The leads and contacts that look like `probe`, most certain first (at most 20).
    pub(super) async fn look_alikes(
        &self,
        actor: &Actor,
        probe: &PersonRecord,
        settings: &DuplicateSettings,
    ) -> Result<Vec<DuplicateMatch>> {
        let mut matches: Vec<DuplicateMatch> = self
            .store
            .people_like(probe, PROBE_LIMIT)
            .await?
            .into_iter()
            .filter_map(|found| {
                let (reason, confidence) = judge(probe, &found, settings.name_similarity)?;
                let person = self.sees_person(actor, &found).then_some(found);
                Some(DuplicateMatch {
                    person,
                    reason,
                    confidence,
                })
            })
            .collect();
        matches.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        matches.truncate(20);
        Ok(matches)
    }

    fn sees_person(&self, actor: &Actor, p: &PersonRecord) -> bool {
        match p.record {
            RecordRef::Lead(_) => lead_visible(&actor.lead_visibility(), p.owner_id, p.team_id),
            _ => actor.require_deals().is_ok() && actor.sees_owned(p.owner_id),
        }
    }

    /// Probable duplicate lead pairs the actor can see both sides of, most certain first
    /// (at most [`MAX_PAIRS`]); pairs marked "not the same person" are left out.
    pub async fn duplicate_pairs(&self, actor: &Actor) -> Result<Vec<DuplicatePair>> {
        let settings = self.duplicate_settings().await?;
        let dismissed = self.store.dismissed_pairs().await?;
        let mut seen = std::collections::HashSet::new();
        let mut pairs: Vec<DuplicatePair> = self
            .store
            .lead_pairs(PAIR_SCAN)
            .await?
            .into_iter()
            .filter(|(a, b)| {
                let key = (a.record.uuid(), b.record.uuid());
                !dismissed.contains(&key)
                    && seen.insert(key)
                    && self.sees_person(actor, a)
                    && self.sees_person(actor, b)
            })
            .filter_map(|(first, second)| {
                let (reason, confidence) = judge(&first, &second, settings.name_similarity)?;
                Some(DuplicatePair {
                    first,
                    second,
                    reason,
                    confidence,
                })
            })
            .collect();
        pairs.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then_with(|| a.first.record.uuid().cmp(&b.first.record.uuid()))
        });
        pairs.truncate(MAX_PAIRS);
        Ok(pairs)
    }

    /// Marks two leads "not the same person", so the pair leaves the list.
    pub async fn dismiss_duplicate(&self, actor: &Actor, a: LeadId, b: LeadId) -> Result<()> {
        actor.require_write()?;
        self.get_lead(actor, a).await?;
        self.get_lead(actor, b).await?;
        let (x, y) = (a.as_uuid().min(b.as_uuid()), a.as_uuid().max(b.as_uuid()));
        Ok(self
            .store
            .dismiss_pair((x, y), self.now(), actor.user_id)
            .await?)
    }

    /// Merges another lead into `survivor`: chosen values, united products and evidence,
    /// every activity, follow-up, event, deal, contact and form submission re-pointed, the
    /// other lead closed as a duplicate, and both histories kept with a row each.
    pub async fn merge_leads(
        &self,
        actor: &Actor,
        survivor: LeadId,
        input: &MergeInput,
    ) -> Result<Lead> {
        actor.require_write()?;
        let other_id = input
            .other
            .ok_or_else(|| Error::field("other_id", "required", "name the lead to merge in"))?;
        if other_id == survivor {
            return Err(Error::field(
                "other_id",
                "same_record",
                "a lead cannot be merged into itself",
            ));
        }
        let mut take = Vec::with_capacity(input.take.len());
        let mut bad = Vec::new();
        for (i, name) in input.take.iter().enumerate() {
            match MERGE_FIELDS.iter().find(|f| **f == name.as_str()) {
                Some(f) => take.push(*f),
                None => bad.push(FieldError::new(
                    format!("take[{i}]"),
                    "unknown_value",
                    format!("{name:?} is not one of: {}", MERGE_FIELDS.join(", ")),
                )),
            }
        }
        if !bad.is_empty() {
            return Err(Error::Validation(bad));
        }
        let keep = self.get_lead(actor, survivor).await?;
        let other = self.get_lead(actor, other_id).await?;
        check_version(input.expected_version, keep.version)?;
        check_version(input.other_expected_version, other.version)?;
        for lead in [&keep, &other] {
            if lead.state.status == LeadStatus::Converted {
                return Err(Error::Conflict(format!(
                    "lead {} is converted; merge its account and contact instead",
                    lead.id
                )));
            }
            if lead.disqualify_reason == Some(DisqualifyReason::Duplicate) {
                return Err(Error::Conflict(format!(
                    "lead {} was already merged away as a duplicate",
                    lead.id
                )));
            }
        }
        let fields =
            merge_drafts(&keep.fields.to_draft(), &other.fields.to_draft(), &take).validate()?;
        if fields.owner_id != keep.fields.owner_id {
            actor.check_assign(keep.fields.owner_id, fields.owner_id)?;
        }
        let now = self.now();
        let mut merged = Lead {
            fields,
            updated_at: now,
            version: keep.version + 1,
            ..keep.clone()
        };
        self.apply_score(&mut merged).await?;
        let absorbed = Lead {
            state: crate::domain::LeadState {
                stage: other.state.stage,
                status: LeadStatus::Disqualified,
            },
            disqualify_reason: Some(DisqualifyReason::Duplicate),
            status_note: Some(format!("merged into lead {survivor}")),
            nurture_until: None,
            updated_at: now,
            version: other.version + 1,
            ..other.clone()
        };
        let history = vec![
            HistoryEntry {
                changes: crate::domain::lead::diff(&keep.fields, &merged.fields),
                related: Some(RecordRef::Lead(other_id)),
                actor_id: actor.user_id,
                token_id: actor.token_id(),
                ..HistoryEntry::new(RecordRef::Lead(survivor), "merged", now)
            },
            HistoryEntry {
                from: Some(other.state.to_string()),
                to: Some(absorbed.state.to_string()),
                reason: Some(DisqualifyReason::Duplicate.as_str().to_owned()),
                related: Some(RecordRef::Lead(survivor)),
                actor_id: actor.user_id,
                token_id: actor.token_id(),
                ..HistoryEntry::new(RecordRef::Lead(other_id), "merged_into", now)
            },
        ];
        self.store
            .merge_leads(&LeadMerge {
                survivor: merged.clone(),
                survivor_expected: keep.version,
                absorbed,
                absorbed_expected: other.version,
                history,
            })
            .await
            .map_err(|e| match e {
                StoreError::StaleVersion => Error::Conflict(
                    "one of the leads changed while merging; read both again".into(),
                ),
                other => other.into(),
            })?;
        let (_, rules) = self.scoring().await?;
        self.rescore(&rules, std::slice::from_ref(&merged)).await?;
        found(self.store.get_lead(survivor).await?, "lead", survivor)
    }
}
