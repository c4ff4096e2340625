//! Activities and follow-up tasks on any lead, contact, account or opportunity.

use super::{Actor, Services, check_version, found, stale_to_precondition};
use crate::domain::activity::ActivityOutcome;
use crate::domain::lead::{limits, parse_enum};
use crate::domain::task::DueFilter;
use crate::domain::{
    Activity, ActivityId, ActivityKind, Page, PageRequest, RecordRef, Task, TaskId, UserId, text,
};
use crate::error::{Error, Errors, FieldError, Result};
use crate::store::TaskFilter;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// Raw activity input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityDraft {
    /// `lead`, `contact`, `account` or `opportunity`.
    pub subject_type: Option<String>,
    /// Id of that record.
    pub subject_id: Option<String>,
    /// `call`, `email`, `meeting`, `demo` or `note`.
    pub kind: Option<String>,
    /// How it went.
    pub outcome: Option<String>,
    /// One-line summary.
    pub summary: Option<String>,
    /// Details.
    pub body: Option<String>,
    /// When it happened (RFC 3339); default now.
    pub occurred_at: Option<String>,
    /// Who did it; default the acting user.
    pub owner_id: Option<UserId>,
}

/// Raw task input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskDraft {
    /// Record type the task is about (optional).
    pub subject_type: Option<String>,
    /// Record id.
    pub subject_id: Option<String>,
    /// What to do.
    pub title: Option<String>,
    /// Details.
    pub notes: Option<String>,
    /// RFC 3339 instant, or `YYYY-MM-DD` (09:00 UTC that day).
    pub due_at: Option<String>,
    /// Who must do it (required unless a user acts).
    pub owner_id: Option<UserId>,
}

impl Services {
    /// Logs something that happened on a record.
    pub async fn log_activity(&self, actor: &Actor, draft: &ActivityDraft) -> Result<Activity> {
        actor.require_write()?;
        let mut e = Errors::new();
        let subject = e.take(
            "subject_id",
            parse_subject(
                draft.subject_type.as_deref(),
                draft.subject_id.as_deref(),
                true,
            ),
        );
        let kind = e.take(
            "kind",
            parse_enum(
                draft.kind.as_deref(),
                ActivityKind::parse,
                ActivityKind::expected,
            )
            .and_then(required),
        );
        let outcome = e.take(
            "outcome",
            parse_enum(
                draft.outcome.as_deref(),
                ActivityOutcome::parse,
                ActivityOutcome::expected,
            ),
        );
        let summary = e.take(
            "summary",
            text::required(draft.summary.as_deref().unwrap_or(""), limits::LABEL),
        );
        let body = e.take("body", text::optional(draft.body.as_deref(), limits::TEXT));
        let occurred_at = e.take("occurred_at", parse_instant(draft.occurred_at.as_deref()));
        e.finish()?;
        let subject = subject.flatten().expect("required above");
        self.check_subject(actor, subject).await?;
        let owner_id = draft.owner_id.or(actor.user_id);
        self.check_owner(owner_id).await?;
        let now = self.now();
        let activity = Activity {
            id: ActivityId::new(),
            subject,
            kind: kind.flatten().expect("checked"),
            outcome: outcome.expect("checked"),
            summary: summary.expect("checked"),
            body: body.expect("checked"),
            occurred_at: occurred_at.flatten().unwrap_or(now),
            owner_id,
            created_at: now,
        };
        self.store.insert_activity(&activity).await?;
        Ok(activity)
    }

    /// Schedules a follow-up.
    pub async fn create_task(&self, actor: &Actor, draft: &TaskDraft) -> Result<Task> {
        actor.require_write()?;
        let mut e = Errors::new();
        let subject = e.take(
            "subject_id",
            parse_subject(
                draft.subject_type.as_deref(),
                draft.subject_id.as_deref(),
                false,
            ),
        );
        let title = e.take(
            "title",
            text::required(draft.title.as_deref().unwrap_or(""), limits::LABEL),
        );
        let notes = e.take(
            "notes",
            text::optional(draft.notes.as_deref(), limits::TEXT),
        );
        let due_at = e.take("due_at", parse_due(draft.due_at.as_deref()));
        let owner_id = draft.owner_id.or(actor.user_id);
        if owner_id.is_none() {
            e.push(FieldError::new(
                "owner_id",
                "required",
                "say who must do it",
            ));
        }
        e.finish()?;
        let subject = subject.flatten();
        if let Some(subject) = subject {
            self.check_subject(actor, subject).await?;
        }
        if draft.owner_id.is_some_and(|o| !actor.sees_owned(Some(o))) {
            return Err(Error::Forbidden(
                "owner_id: you may give follow-ups only to yourself or your team".into(),
            ));
        }
        self.check_owner(owner_id).await?;
        let now = self.now();
        let task = Task {
            id: TaskId::new(),
            subject,
            title: title.expect("checked"),
            notes: notes.expect("checked"),
            due_at: due_at.expect("checked"),
            owner_id: owner_id.expect("checked"),
            completed_at: None,
            created_at: now,
            version: 1,
        };
        self.store.insert_task(&task).await?;
        Ok(task)
    }

    /// Marks a task done.
    pub async fn complete_task(
        &self,
        actor: &Actor,
        id: TaskId,
        expected_version: Option<i64>,
    ) -> Result<Task> {
        actor.require_write()?;
        let current = self.get_task(actor, id).await?;
        actor.check_edit_task(&current)?;
        check_version(expected_version, current.version)?;
        if current.completed_at.is_some() {
            return Err(Error::IllegalTransition {
                from: "task/completed".into(),
                action: "complete",
            });
        }
        let task = Task {
            completed_at: Some(self.now()),
            version: current.version + 1,
            ..current.clone()
        };
        self.save_task(&task, current.version).await?;
        Ok(task)
    }

    /// Moves an open follow-up to another due date or time (`YYYY-MM-DD`, 09:00 UTC, or an
    /// RFC 3339 time).
    pub async fn reschedule_task(
        &self,
        actor: &Actor,
        id: TaskId,
        due_at: &str,
        expected_version: Option<i64>,
    ) -> Result<Task> {
        actor.require_write()?;
        let current = self.get_task(actor, id).await?;
        actor.check_edit_task(&current)?;
        let due_at =
            parse_due(Some(due_at)).map_err(|e| Error::Validation(vec![e.under("due_at")]))?;
        check_version(expected_version, current.version)?;
        if current.completed_at.is_some() {
            return Err(Error::IllegalTransition {
                from: "task/completed".into(),
                action: "reschedule",
            });
        }
        let task = Task {
            due_at,
            version: current.version + 1,
            ..current.clone()
        };
        self.save_task(&task, current.version).await?;
        Ok(task)
    }

    /// Writes a changed task; a version moved on meanwhile is a precondition failure.
    async fn save_task(&self, task: &Task, expected: i64) -> Result<()> {
        if let Err(e) = self.store.update_task(task, expected).await {
            return Err(stale_to_precondition(e, || async {
                let stored = self.store.get_task(task.id).await.ok().flatten();
                stored.map(|t| t.version)
            })
            .await);
        }
        Ok(())
    }

    /// Reads one task the actor may see.
    pub async fn get_task(&self, actor: &Actor, id: TaskId) -> Result<Task> {
        let task = self
            .store
            .get_task(id)
            .await?
            .filter(|t| actor.sees_owned(Some(t.owner_id)));
        found(task, "task", id)
    }

    /// Follow-ups in a due window, soonest first.
    pub async fn list_tasks(
        &self,
        actor: &Actor,
        due: DueFilter,
        owner: Option<UserId>,
        subject: Option<RecordRef>,
        page: &PageRequest,
    ) -> Result<Page<Task>> {
        let filter = TaskFilter {
            due,
            now: self.now(),
            owner,
            subject,
            visibility: actor.record_visibility(),
        };
        Ok(self.store.list_tasks(&filter, page).await?)
    }

    /// Refuses a subject record that does not exist or that the actor may not see.
    pub(super) async fn check_subject(&self, actor: &Actor, subject: RecordRef) -> Result<()> {
        let exists = match subject {
            RecordRef::Lead(id) => self
                .store
                .get_lead(id)
                .await?
                .is_some_and(|l| actor.sees_lead(&l)),
            RecordRef::Contact(id) => self.get_contact(actor, id).await.is_ok(),
            RecordRef::Account(id) => self.get_account(actor, id).await.is_ok(),
            RecordRef::Opportunity(id) => {
                actor.require_deals()?;
                self.store
                    .get_opportunity(id)
                    .await?
                    .is_some_and(|o| actor.sees_owned(o.owner_id))
            }
        };
        if exists {
            Ok(())
        } else {
            Err(Error::field(
                "subject_id",
                "unknown_record",
                format!("no {} has id {}", subject.kind(), subject.uuid()),
            ))
        }
    }
}

fn required<T>(value: Option<T>) -> Result<Option<T>, FieldError> {
    value
        .map(Some)
        .ok_or_else(|| FieldError::new("", "required", "must be given"))
}

/// Parses a subject reference from its type name and id.
pub fn parse_subject(
    kind: Option<&str>,
    id: Option<&str>,
    needed: bool,
) -> Result<Option<RecordRef>, FieldError> {
    let (kind, id) = match (kind.map(str::trim), id.map(str::trim)) {
        (None | Some(""), None | Some("")) if !needed => return Ok(None),
        (Some(k), Some(i)) if !k.is_empty() && !i.is_empty() => (k, i),
        _ => {
            return Err(FieldError::new(
                "",
                "required",
                "give subject_type and subject_id together",
            ));
        }
    };
    let uuid = uuid::Uuid::parse_str(id)
        .map_err(|_| FieldError::new("", "invalid_id", format!("{id:?} is not a UUID")))?;
    RecordRef::from_parts(kind, uuid).map(Some).ok_or_else(|| {
        FieldError::new(
            "",
            "unknown_value",
            format!("subject_type {kind:?} is not one of: lead, contact, account, opportunity"),
        )
    })
}

fn parse_instant(raw: Option<&str>) -> Result<Option<DateTime<Utc>>, FieldError> {
    crate::domain::lead::optional_with(raw, |v| {
        DateTime::parse_from_rfc3339(v)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                FieldError::new(
                    "",
                    "invalid_datetime",
                    format!("{v:?} is not an RFC 3339 time like 2026-12-01T09:30:00Z"),
                )
            })
    })
}

fn parse_due(raw: Option<&str>) -> Result<DateTime<Utc>, FieldError> {
    let value = raw.map(str::trim).unwrap_or("");
    if value.is_empty() {
        return Err(FieldError::new("", "required", "give a due date or time"));
    }
    if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Ok(date
            .and_time(NaiveTime::from_hms_opt(9, 0, 0).expect("09:00 is a time"))
            .and_utc());
    }
    parse_instant(Some(value))
        .map(|t| t.expect("non-empty"))
        .map_err(|_| {
            FieldError::new(
                "",
                "invalid_datetime",
                format!("{value:?} is neither YYYY-MM-DD nor an RFC 3339 time"),
            )
        })
}
