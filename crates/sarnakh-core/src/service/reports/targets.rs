//! Forecast targets: what a month or quarter should bring in, for the company, a team or
//! one owner. Admins set any; a sales manager sets his own team's and its members'.

use super::Services;
use crate::domain::forecast::{Interval, Target};
use crate::domain::{Currency, Money, Role, TeamId, UserId};
use crate::error::{Error, Errors, FieldError, Result};
use crate::service::Actor;

/// Raw input of a target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetInput {
    /// `month` or `quarter`.
    pub interval: Option<String>,
    /// The period's first day, `YYYY-MM-DD`.
    pub starts_on: Option<String>,
    /// For one team.
    pub team_id: Option<String>,
    /// For one owner.
    pub owner_id: Option<String>,
    /// Decimal amount in major units.
    pub amount: Option<String>,
    /// ISO 4217 code.
    pub currency: Option<String>,
}

impl Services {
    /// The targets the actor may see: admins and marketing every one, others the company's,
    /// their team's and (managers) their team members' or (reps) their own.
    pub async fn forecast_targets(&self, actor: &Actor) -> Result<Vec<Target>> {
        let all = self.store.forecast_targets().await?;
        if actor.has_role(Role::Admin) || actor.has_role(Role::Marketing) {
            return Ok(all);
        }
        let team = actor.team();
        Ok(all
            .into_iter()
            .filter(|t| match (t.team_id, t.owner_id) {
                (None, None) => true,
                (Some(tm), _) => Some(tm) == team,
                (None, Some(o)) => actor.sees_owned(Some(o)),
            })
            .collect())
    }

    /// Sets a target, replacing the one of the same period and scope.
    pub async fn set_forecast_target(&self, actor: &Actor, input: &TargetInput) -> Result<Target> {
        actor.require_write()?;
        if !actor.has_role(Role::Admin) && !actor.has_role(Role::SalesManager) {
            return Err(Error::Forbidden(
                "only an admin or a sales manager may set a target".into(),
            ));
        }
        let mut e = Errors::new();
        let interval = e.take(
            "interval",
            Interval::parse_param(input.interval.as_deref()).and_then(|i| {
                input
                    .interval
                    .as_deref()
                    .map(|_| i)
                    .ok_or_else(|| FieldError::new("", "required", "month or quarter"))
            }),
        );
        let starts_on = e.take(
            "starts_on",
            crate::domain::report::parse_day("starts_on", input.starts_on.as_deref()).and_then(
                |d| d.ok_or_else(|| FieldError::new("", "required", "the period's first day")),
            ),
        );
        if let (Some(i), Some(d)) = (interval, starts_on)
            && i.start_of(d) != d
        {
            e.push(FieldError::new(
                "starts_on",
                "not_period_start",
                format!(
                    "{d} does not start a {i}; the {i} holding it starts {}",
                    i.start_of(d)
                ),
            ));
        }
        let team_id = e.take("team_id", parse_opt::<TeamId>(input.team_id.as_deref()));
        let owner_id = e.take("owner_id", parse_opt::<UserId>(input.owner_id.as_deref()));
        if let (Some(Some(_)), Some(Some(_))) = (team_id, owner_id) {
            e.push(FieldError::new(
                "owner_id",
                "team_and_owner",
                "a target is for the company, one team or one owner: give team_id or owner_id",
            ));
        }
        let currency = e.take(
            "currency",
            Currency::parse(input.currency.as_deref().unwrap_or("")),
        );
        let amount = match (currency, input.amount.as_deref()) {
            (Some(c), Some(raw)) => e.take("amount", Money::parse_decimal(raw, c)),
            (_, None) => e.take(
                "amount",
                Err(FieldError::new("", "required", "the target amount")),
            ),
            (None, Some(_)) => None,
        };
        e.finish()?;
        let checked = "validated above";
        let (team_id, owner_id) = (team_id.expect(checked), owner_id.expect(checked));
        if let Some(o) = owner_id {
            self.check_owner(Some(o)).await?;
        }
        if let Some(t) = team_id
            && self.store.team_members(t).await?.is_empty()
        {
            return Err(Error::field(
                "team_id",
                "unknown_team",
                format!("no team with members has id {t}"),
            ));
        }
        self.check_target_scope(actor, team_id, owner_id)?;
        let target = Target {
            id: uuid::Uuid::now_v7(),
            interval: interval.expect(checked),
            starts_on: starts_on.expect(checked),
            team_id,
            owner_id,
            amount: amount.expect(checked),
            set_at: self.now(),
            set_by: actor.user_id,
        };
        self.store.save_forecast_target(&target).await?;
        Ok(target)
    }

    /// Removes a target the actor could have set.
    pub async fn delete_forecast_target(&self, actor: &Actor, id: uuid::Uuid) -> Result<()> {
        actor.require_write()?;
        if !actor.has_role(Role::Admin) && !actor.has_role(Role::SalesManager) {
            return Err(Error::Forbidden(
                "only an admin or a sales manager may remove a target".into(),
            ));
        }
        let target = self
            .forecast_targets(actor)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| Error::not_found("forecast_target", id))?;
        self.check_target_scope(actor, target.team_id, target.owner_id)?;
        if !self.store.delete_forecast_target(id).await? {
            return Err(Error::not_found("forecast_target", id));
        }
        Ok(())
    }

    /// Admins set any target; a sales manager his team's and its members'.
    fn check_target_scope(
        &self,
        actor: &Actor,
        team: Option<TeamId>,
        owner: Option<UserId>,
    ) -> Result<()> {
        if actor.has_role(Role::Admin) {
            return Ok(());
        }
        let allowed = actor.has_role(Role::SalesManager)
            && match (team, owner) {
                (Some(t), _) => actor.team() == Some(t),
                (None, Some(o)) => actor.sees_owned(Some(o)),
                (None, None) => false,
            };
        if allowed {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "only an admin sets company targets; a sales manager sets his team's and its members'"
                    .into(),
            ))
        }
    }
}

fn parse_opt<T: std::str::FromStr>(
    raw: Option<&str>,
) -> std::result::Result<Option<T>, FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            FieldError::new(
                "",
                "invalid_id",
                format!("{s:?} is not an id (expected a UUID)"),
            )
        }),
    }
}
