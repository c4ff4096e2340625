//! The people administration of the settings pages: who the actor may list (admins every
//! user, a sales manager their own team) and an admin changing a user's role and team.
//! Adding and disabling users live in `auth.rs` and `sessions.rs`.

use super::{Actor, Services, found};
use crate::domain::lead::{limits, parse_enum};
use crate::domain::{Role, Team, TeamId, User, UserId, text};
use crate::error::{Error, Errors, FieldError, Result};

impl Services {
    /// Every team (names are no secret: lists and filters offer them to everyone).
    pub async fn teams(&self) -> Result<Vec<Team>> {
        Ok(self.store.list_teams().await?)
    }

    /// The ids of a team's members.
    pub async fn team_member_ids(&self, team: TeamId) -> Result<Vec<UserId>> {
        Ok(self.store.team_members(team).await?)
    }

    /// The users the actor administers or reads, with every team: admins see everyone, a
    /// sales manager the members of their own team; anyone else is refused.
    pub async fn team_directory(&self, actor: &Actor) -> Result<(Vec<User>, Vec<Team>)> {
        let users = self.store.list_users().await?;
        let teams = self.store.list_teams().await?;
        if actor.has_role(Role::Admin) {
            return Ok((users, teams));
        }
        if !actor.has_role(Role::SalesManager) {
            return Err(Error::Forbidden(
                "only an admin or a sales manager may list the users".into(),
            ));
        }
        let team = actor.team();
        let users = users
            .into_iter()
            .filter(|u| team.is_some() && u.team_id == team)
            .collect();
        Ok((
            users,
            teams.into_iter().filter(|t| Some(t.id) == team).collect(),
        ))
    }

    /// Sets a user's role and team (admins only; the team by name, created if missing, or
    /// none when `team` is empty). An admin does not change their own role, so that
    /// Sarnakh never loses its last way in by mistake.
    pub async fn set_user_access(
        &self,
        actor: &Actor,
        user: UserId,
        role: Option<&str>,
        team: Option<&str>,
    ) -> Result<User> {
        actor.require_write()?;
        actor.require_admin()?;
        let current = found(self.store.get_user(user).await?, "user", user)?;
        let mut e = Errors::new();
        let role = e
            .take(
                "role",
                parse_enum(role, Role::parse, Role::expected)
                    .and_then(|r| r.ok_or_else(|| FieldError::new("", "required", "give a role"))),
            )
            .unwrap_or(current.role);
        let team = e.take("team", text::optional(team, limits::NAME)).flatten();
        if actor.user_id == Some(user) && role != current.role {
            e.push(FieldError::new(
                "role",
                "own_role",
                "an admin does not change their own role",
            ));
        }
        e.finish()?;
        let team_id = match team {
            Some(name) => Some(self.team_named(&name).await?),
            None => None,
        };
        self.store
            .set_user_access(user, role.as_str(), team_id)
            .await?;
        Ok(User {
            role,
            team_id,
            version: current.version + 1,
            ..current
        })
    }

    async fn team_named(&self, name: &str) -> Result<TeamId> {
        let team = Team {
            id: TeamId::new(),
            name: name.to_owned(),
            created_at: self.now(),
        };
        Ok(self.store.ensure_team(&team).await?.id)
    }
}
