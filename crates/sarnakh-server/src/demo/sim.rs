//! The simulation engine: a time-ordered agenda of things the team will do, a manual
//! clock set to each one's moment before it runs, and the helpers every step uses to log
//! activities and follow-ups. Nothing is scheduled after real "now"; it simply never
//! happens.

pub(super) use super::cards::{Fate, LeadCard, OppCard, Plan, Tally};
use super::companies::Country;
use chrono::{DateTime, Duration, NaiveTime, Timelike, Utc};
use fastrand::Rng;
use sarnakh_core::Error;
use sarnakh_core::clock::ManualClock;
use sarnakh_core::domain::{RecordRef, TaskId, UserId};
use sarnakh_core::service::{ActivityDraft, Actor, Services, TaskDraft};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Something to do at a moment of simulated time.
#[derive(Debug, Clone, Copy)]
pub(super) enum Event {
    /// A new lead arrives.
    Capture,
    /// A rep tries to reach lead `lead`; `attempt` counts from 1.
    Touch { lead: usize, attempt: u8 },
    /// Discovery call, fit facts recorded, lead qualified.
    Qualify(usize),
    /// The prospect's fate is decided.
    Decide(usize),
    /// A nurtured lead's revisit date came.
    Revisit(usize),
    /// An opportunity moves on, closes, or stalls.
    Step(usize),
    /// A won customer opens another deal.
    Upsell(usize),
    /// A follow-up is done.
    Complete(TaskId),
}

/// The running simulation.
pub(super) struct Sim {
    /// The use cases, reading the manual clock.
    pub services: Services,
    clock: Arc<ManualClock>,
    /// The one source of randomness.
    pub rng: Rng,
    /// Real now: nothing happens after it.
    pub now: DateTime<Utc>,
    agenda: BTreeMap<(DateTime<Utc>, u64), Event>,
    seq: u64,
    /// Sales reps and the countries they mainly cover.
    pub reps: Vec<(UserId, &'static [Country])>,
    /// The marketing user (imports and events).
    pub marketing: UserId,
    /// Keys of the open pipeline stages, in board order.
    pub stages: Vec<String>,
    /// How many deals were set to stall, so the stalls take the stages in turn.
    pub next_stall: usize,
    /// Leads created.
    pub leads: Vec<LeadCard>,
    /// Opportunities created.
    pub opps: Vec<OppCard>,
    /// Counts.
    pub tally: Tally,
}

/// A user acting.
pub(super) fn by(user: UserId) -> Actor {
    Actor::on_behalf_of(user)
}

impl Sim {
    /// A simulation over `services`, whose clock is `clock`, ending at `now`.
    pub fn new(services: Services, clock: Arc<ManualClock>, seed: u64, now: DateTime<Utc>) -> Self {
        Self {
            services,
            clock,
            rng: Rng::with_seed(seed),
            now,
            agenda: BTreeMap::new(),
            seq: 0,
            reps: Vec::new(),
            marketing: UserId::new(), // replaced by the real user when the team is inserted
            stages: Vec::new(),
            next_stall: 0,
            leads: Vec::new(),
            opps: Vec::new(),
            tally: Tally::default(),
        }
    }

    /// Sets the clock to `at` (never past now) and returns the instant used.
    pub fn set(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let at = at.min(self.now);
        self.clock.set(at);
        at
    }

    /// The clock's instant.
    pub fn clock_now(&self) -> DateTime<Utc> {
        use sarnakh_core::clock::Clock;
        self.clock.now()
    }

    /// Plans `event` at `at`; dropped when that is after now.
    pub fn schedule(&mut self, at: DateTime<Utc>, event: Event) {
        if at <= self.now {
            self.seq += 1;
            self.agenda.insert((at, self.seq), event);
        }
    }

    /// The next event due at or before `until`, removed from the agenda.
    pub fn next_due(&mut self, until: DateTime<Utc>) -> Option<(DateTime<Utc>, Event)> {
        let entry = self.agenda.first_entry()?;
        if entry.key().0 > until {
            return None;
        }
        let ((at, _), event) = entry.remove_entry();
        Some((at, event))
    }

    /// A moment `min_h`..`max_h` hours after `from`, moved into working hours (05-16 UTC,
    /// which covers Tehran, Bucharest and London office days).
    pub fn later(&mut self, from: DateTime<Utc>, min_h: i64, max_h: i64) -> DateTime<Utc> {
        let minutes = self.rng.i64(min_h * 60..=max_h.max(min_h) * 60).max(1);
        let t = from + Duration::minutes(minutes);
        let day = t.date_naive();
        let opening =
            |d: chrono::NaiveDate| d.and_time(NaiveTime::MIN).and_utc() + Duration::hours(5);
        let t = match t.hour() {
            0..5 => opening(day) + Duration::minutes(self.rng.i64(0..180)),
            5..16 => t,
            _ => opening(day.succ_opt().unwrap_or(day)) + Duration::minutes(self.rng.i64(0..180)),
        };
        t.max(from + Duration::minutes(1))
    }

    /// A rep for `country`: usually one who covers it, sometimes anyone (holidays, load).
    pub fn owner_for(&mut self, country: Country) -> UserId {
        let covering: Vec<UserId> = self
            .reps
            .iter()
            .filter(|(_, c)| c.contains(&country))
            .map(|(id, _)| *id)
            .collect();
        if covering.is_empty() || self.rng.f64() < 0.2 {
            self.reps[self.rng.usize(..self.reps.len())].0
        } else {
            covering[self.rng.usize(..covering.len())]
        }
    }

    /// Logs an activity at the clock's time.
    pub async fn activity(
        &mut self,
        owner: UserId,
        subject: RecordRef,
        kind: &str,
        outcome: Option<&str>,
        summary: String,
    ) -> Result<(), Error> {
        let draft = ActivityDraft {
            subject_type: Some(subject.kind().to_owned()),
            subject_id: Some(subject.uuid().to_string()),
            kind: Some(kind.to_owned()),
            outcome: outcome.map(str::to_owned),
            summary: Some(summary),
            owner_id: Some(owner),
            ..ActivityDraft::default()
        };
        self.services.log_activity(&by(owner), &draft).await?;
        self.tally.activities += 1;
        Ok(())
    }

    /// Creates a follow-up due at `due`; with probability `done` it gets completed around
    /// its due time (if that is before now); otherwise it usually gets done late, after a
    /// week or three, and now and then is forgotten for good.
    pub async fn task(
        &mut self,
        owner: UserId,
        subject: RecordRef,
        title: String,
        due: DateTime<Utc>,
        done: f64,
    ) -> Result<TaskId, Error> {
        let draft = TaskDraft {
            subject_type: Some(subject.kind().to_owned()),
            subject_id: Some(subject.uuid().to_string()),
            title: Some(title),
            due_at: Some(due.to_rfc3339()),
            owner_id: Some(owner),
            ..TaskDraft::default()
        };
        let task = self.services.create_task(&by(owner), &draft).await?;
        self.tally.tasks.insert(task.id, (task.due_at, false));
        let roll = self.rng.f64();
        let at = if roll < done {
            task.due_at - Duration::minutes(self.rng.i64(0..24 * 60))
        } else if done > 0.0 && roll < done + (1.0 - done) * 0.8 {
            task.due_at + Duration::days(self.rng.i64(5..25))
        } else {
            return Ok(task.id);
        };
        let at = self.later(at.max(task.created_at + Duration::minutes(30)), 0, 4);
        self.schedule(at, Event::Complete(task.id));
        Ok(task.id)
    }

    /// Marks a task done now.
    pub async fn complete(&mut self, id: TaskId) -> Result<(), Error> {
        self.services
            .complete_task(&Actor::SYSTEM, id, None)
            .await?;
        if let Some(entry) = self.tally.tasks.get_mut(&id) {
            entry.1 = true;
        }
        Ok(())
    }

    /// Open tasks due before now.
    pub fn overdue(&self) -> usize {
        self.tally
            .tasks
            .values()
            .filter(|(due, done)| !done && *due < self.now)
            .count()
    }
}
