//! Web-to-lead forms: marketing defines them; the public endpoint turns a submission into a
//! lead (with its campaign, products, team queue and the visit's marketing parameters), or
//! keeps it apart as spam or over the daily cap for review. A submission is never half
//! written: the lead and the submission row are one transaction.

use super::{Actor, Services, check_version, found, stale_to_precondition};
use crate::credentials::generate_form_key;
use crate::domain::duplicate::DuplicateAction;
use crate::domain::experiment::LeadOrigin;
use crate::domain::form::{
    CaptureContext, FormDraft, FormField, Submission, SubmissionStatus, WebForm,
};
use crate::domain::lead::{LeadDraft, LeadFields};
use crate::domain::{FormId, Lead, LeadId, SubmissionId};
use crate::error::{Error, FieldError, Result};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// Field of the hidden trap a person never fills.
pub const HONEYPOT_FIELD: &str = "_hp";
/// Field with the time (Unix milliseconds) the form was shown.
pub const SHOWN_AT_FIELD: &str = "_t";
/// Field with the anonymous visitor id.
pub const VISITOR_FIELD: &str = "_vid";
/// Most submissions a review list shows.
pub const REVIEW_LIMIT: u32 = 500;
/// Longest accepted value of a context field (referrer, landing page, UTM ...).
const CONTEXT_MAX: usize = 2000;

/// What a visitor sent: every posted name and value, and what the server knows of the
/// client (address, software, `Referer`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmissionInput {
    /// Posted names and values (form fields, `_hp`, `_t`, `_vid`, `utm_*`, `referrer`,
    /// `landing_page`).
    pub values: BTreeMap<String, String>,
    /// Client facts from the request.
    pub context: CaptureContext,
}

/// What a submission became, and what to show the visitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionOutcome {
    /// The stored submission.
    pub submission: SubmissionId,
    /// Accepted, spam or held.
    pub status: SubmissionStatus,
    /// The lead made (accepted only).
    pub lead_id: Option<LeadId>,
    /// Where to send the visitor.
    pub thank_you_url: Option<String>,
    /// What to tell the visitor.
    pub thank_you_message: Option<String>,
}

impl Services {
    /// Defines a new form (marketing, sales managers, admins).
    pub async fn create_form(&self, actor: &Actor, draft: &FormDraft) -> Result<WebForm> {
        actor.require_write()?;
        actor.require_marketing("define web forms")?;
        let settings = draft.validate()?;
        self.check_form_team(settings.team_id).await?;
        let now = self.now();
        let form = WebForm {
            id: FormId::new(),
            key: generate_form_key(),
            settings,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        self.store.insert_form(&form).await?;
        Ok(form)
    }

    /// Replaces a form's settings (its key stays, so embedded copies keep working).
    pub async fn update_form(
        &self,
        actor: &Actor,
        id: FormId,
        draft: &FormDraft,
        expected_version: Option<i64>,
    ) -> Result<WebForm> {
        actor.require_write()?;
        actor.require_marketing("change web forms")?;
        let current = self.get_form(actor, id).await?;
        check_version(expected_version, current.version)?;
        let settings = draft.validate()?;
        self.check_form_team(settings.team_id).await?;
        let next = WebForm {
            settings,
            updated_at: self.now(),
            version: current.version + 1,
            ..current.clone()
        };
        if let Err(e) = self.store.update_form(&next, current.version).await {
            return Err(stale_to_precondition(e, || async {
                self.store
                    .get_form(id)
                    .await
                    .ok()
                    .flatten()
                    .map(|f| f.version)
            })
            .await);
        }
        Ok(next)
    }

    /// Refuses a team queue that is not a team (its leads would wait in no one's queue).
    async fn check_form_team(&self, team: Option<crate::domain::TeamId>) -> Result<()> {
        match team {
            Some(t) if !self.store.list_teams().await?.iter().any(|x| x.id == t) => {
                Err(Error::Validation(vec![FieldError::new(
                    "team_id",
                    "unknown_team",
                    "no such team",
                )]))
            }
            _ => Ok(()),
        }
    }

    /// Reads a form (everyone signed in may see the forms).
    pub async fn get_form(&self, _actor: &Actor, id: FormId) -> Result<WebForm> {
        found(self.store.get_form(id).await?, "form", id)
    }

    /// Every form, newest first.
    pub async fn list_forms(&self, _actor: &Actor) -> Result<Vec<WebForm>> {
        Ok(self.store.list_forms().await?)
    }

    /// The active form with this public key.
    pub async fn public_form(&self, key: &str) -> Result<WebForm> {
        self.store
            .form_by_key(key)
            .await?
            .filter(|f| f.settings.active)
            .ok_or_else(|| Error::NotFound {
                entity: "form",
                id: key.to_owned(),
            })
    }

    /// Takes a public submission. Spam and over-cap submissions are stored apart and
    /// answered like accepted ones (a robot learns nothing); invalid input is refused with
    /// every field's error and nothing is stored.
    pub async fn submit_form(
        &self,
        key: &str,
        input: &SubmissionInput,
    ) -> Result<SubmissionOutcome> {
        let form = self.public_form(key).await?;
        let now = self.now();
        let payload: BTreeMap<String, String> = form
            .settings
            .fields
            .iter()
            .filter_map(|f| {
                let v = input.values.get(f.field.as_str())?.trim();
                (!v.is_empty()).then(|| (f.field.as_str().to_owned(), v.to_owned()))
            })
            .collect();
        let context = context_of(input);
        let mut submission = Submission {
            id: SubmissionId::new(),
            form_id: form.id,
            status: SubmissionStatus::Accepted,
            reason: None,
            lead_id: None,
            payload,
            context,
            received_at: now,
            reviewed_at: None,
            reviewed_by: None,
        };
        if let Some(reason) = spam_reason(&form, input, now) {
            submission.status = SubmissionStatus::Spam;
            submission.reason = Some(reason.to_owned());
            self.store.insert_submission(&submission, None).await?;
            return Ok(outcome(&form, &submission));
        }
        let fields = lead_fields(&form, &submission)?;
        let midnight = now
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc();
        let today = self
            .store
            .count_accepted_submissions(form.id, midnight)
            .await?;
        let (action, look_alikes) = self.duplicates_of(&Actor::SYSTEM, &fields).await?;
        let held = if today >= i64::from(form.settings.daily_cap) {
            Some("daily_cap")
        } else if action == DuplicateAction::Block && !look_alikes.is_empty() {
            Some("duplicate")
        } else {
            None
        };
        if let Some(reason) = held {
            submission.status = SubmissionStatus::Held;
            submission.reason = Some(reason.into());
            self.store.insert_submission(&submission, None).await?;
            return Ok(outcome(&form, &submission));
        }
        let (fields, team) = self.routed(fields, form.settings.team_id).await?;
        let (lead, history) = self
            .new_lead(
                fields,
                team,
                &Actor::SYSTEM,
                Some(format!("web form: {}", form.settings.name)),
            )
            .await?;
        submission.lead_id = Some(lead.id);
        self.store
            .insert_submission(&submission, Some((&lead, &history)))
            .await?;
        self.enter_experiments(&[LeadOrigin::of(&lead, Some(form.id))])
            .await?;
        self.join_visitor(lead, submission.context.visitor_id.as_deref())
            .await?;
        Ok(outcome(&form, &submission))
    }

    /// A form's spam, held or accepted submissions, newest first.
    pub async fn form_submissions(
        &self,
        actor: &Actor,
        form: FormId,
        status: SubmissionStatus,
    ) -> Result<Vec<Submission>> {
        actor.require_marketing("review form submissions")?;
        self.get_form(actor, form).await?;
        Ok(self
            .store
            .list_submissions(form, status, REVIEW_LIMIT)
            .await?)
    }

    /// Makes a lead of a held or spam submission after review.
    pub async fn accept_submission(&self, actor: &Actor, id: SubmissionId) -> Result<Lead> {
        actor.require_write()?;
        actor.require_marketing("accept form submissions")?;
        let submission = found(self.store.get_submission(id).await?, "submission", id)?;
        if submission.status == SubmissionStatus::Accepted {
            return Err(Error::Conflict("the submission is already a lead".into()));
        }
        let form = found(
            self.store.get_form(submission.form_id).await?,
            "form",
            submission.form_id,
        )?;
        let (fields, team) = self
            .routed(lead_fields(&form, &submission)?, form.settings.team_id)
            .await?;
        let (lead, history) = self
            .new_lead(
                fields,
                team,
                actor,
                Some(format!("web form: {} (reviewed)", form.settings.name)),
            )
            .await?;
        self.store
            .accept_submission(id, &lead, &history, actor.user_id, self.now())
            .await
            .map_err(|e| match e {
                crate::store::StoreError::NotFound => {
                    Error::Conflict("the submission was accepted by someone else".into())
                }
                other => other.into(),
            })?;
        self.enter_experiments(&[LeadOrigin::of(&lead, Some(form.id))])
            .await?;
        self.join_visitor(lead, submission.context.visitor_id.as_deref())
            .await
    }

    /// The form submission a lead came from, if any.
    pub async fn lead_origin(&self, actor: &Actor, lead: LeadId) -> Result<Option<Submission>> {
        self.get_lead(actor, lead).await?;
        Ok(self.store.submission_of_lead(lead).await?)
    }
}

/// Why a submission is spam, if it is: the trap was filled, or the form was sent faster than
/// a person can fill it (or without the time it was shown, when the form wants one).
fn spam_reason(
    form: &WebForm,
    input: &SubmissionInput,
    now: DateTime<Utc>,
) -> Option<&'static str> {
    if input
        .values
        .get(HONEYPOT_FIELD)
        .is_some_and(|v| !v.trim().is_empty())
    {
        return Some("honeypot");
    }
    let min = i64::from(form.settings.min_fill_seconds);
    if min == 0 {
        return None;
    }
    let Some(shown) = input
        .values
        .get(SHOWN_AT_FIELD)
        .and_then(|v| v.trim().parse::<i64>().ok())
        .and_then(DateTime::<Utc>::from_timestamp_millis)
    else {
        return Some("no_timing");
    };
    if now - shown < Duration::seconds(min) || shown > now + Duration::minutes(5) {
        return Some("too_fast");
    }
    None
}

/// The visit's facts: what the page posted (bounded), falling back to the request's.
fn context_of(input: &SubmissionInput) -> CaptureContext {
    let posted = |name: &str| {
        input
            .values
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(|v| v.chars().take(CONTEXT_MAX).collect::<String>())
    };
    let c = &input.context;
    CaptureContext {
        visitor_id: posted(VISITOR_FIELD).map(|v| {
            v.chars()
                .take(crate::domain::event::MAX_VISITOR_ID)
                .collect()
        }),
        utm_source: posted("utm_source"),
        utm_medium: posted("utm_medium"),
        utm_campaign: posted("utm_campaign"),
        utm_term: posted("utm_term"),
        utm_content: posted("utm_content"),
        referrer: posted("referrer").or_else(|| c.referrer.clone()),
        landing_page: posted("landing_page").or_else(|| c.landing_page.clone()),
        ip: c.ip.clone(),
        user_agent: c.user_agent.clone(),
    }
}

/// The validated lead a submission asks for; every problem at once, one per field, in the
/// form's field order.
fn lead_fields(form: &WebForm, s: &Submission) -> Result<LeadFields> {
    let (draft, mut errors) = lead_draft(form, s);
    match draft.validate() {
        Ok(fields) if errors.is_empty() => return Ok(fields),
        Ok(_) => {}
        Err(Error::Validation(more)) => {
            for e in more {
                if !errors.iter().any(|x| x.field == e.field) {
                    errors.push(e);
                }
            }
        }
        Err(other) => return Err(other),
    }
    let position = |field: &str| {
        form.settings
            .fields
            .iter()
            .position(|f| f.field.as_str() == field)
            .unwrap_or(usize::MAX)
    };
    errors.sort_by_key(|e| position(&e.field));
    Err(Error::Validation(errors))
}

/// The lead a submission asks for: the form's fields (required ones checked), its campaign
/// (else the visit's `utm_campaign`), its products, source `web_form`; with the problems
/// found before validation (missing required fields, a size that is not a number).
fn lead_draft(form: &WebForm, s: &Submission) -> (LeadDraft, Vec<FieldError>) {
    let mut e = Vec::new();
    for spec in &form.settings.fields {
        if spec.required && !s.payload.contains_key(spec.field.as_str()) {
            e.push(FieldError::new(
                spec.field.as_str(),
                "required",
                "please fill this in",
            ));
        }
    }
    let get = |f: FormField| s.payload.get(f.as_str()).cloned();
    let company_size = match get(FormField::CompanySize) {
        None => None,
        Some(raw) => match raw.replace([',', '.', ' '], "").parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                e.push(FieldError::new(
                    "company_size",
                    "not_a_number",
                    format!("{raw:?} is not a number of employees"),
                ));
                None
            }
        },
    };
    let draft = LeadDraft {
        first_name: get(FormField::FirstName),
        last_name: get(FormField::LastName),
        email: get(FormField::Email),
        phone: get(FormField::Phone),
        job_title: get(FormField::JobTitle),
        company: get(FormField::Company),
        country: get(FormField::Country),
        source: Some("web_form".into()),
        campaign: form
            .settings
            .campaign
            .clone()
            .or_else(|| s.context.utm_campaign.clone()),
        products: form.settings.products.clone(),
        notes: get(FormField::Notes),
        company_size,
        industry: get(FormField::Industry),
        need: get(FormField::Need),
        visitor_id: s.context.visitor_id.clone(),
        ..LeadDraft::default()
    };
    (draft, e)
}

fn outcome(form: &WebForm, s: &Submission) -> SubmissionOutcome {
    SubmissionOutcome {
        submission: s.id,
        status: s.status,
        lead_id: s.lead_id,
        thank_you_url: form.settings.thank_you_url.clone(),
        thank_you_message: form.settings.thank_you_message.clone(),
    }
}
