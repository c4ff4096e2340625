//! Users of Sarnakh, their teams and roles, and API tokens. Credentials (password hashes,
//! token digests) are not part of these types: they never leave the store except to be
//! verified.

use super::ids::{TeamId, TokenId, UserId};
use super::lifecycle::str_enum;
use crate::error::{Errors, FieldError, Result};
use chrono::{DateTime, Utc};

str_enum!(
    /// What a user is for.
    Role {
        /// Installs and runs Sarnakh; sees everything.
        Admin = "admin",
        /// Owns the playbook and the pipeline; sees the team's records.
        SalesManager = "sales_manager",
        /// Works leads and deals.
        SalesRep = "sales_rep",
        /// Runs campaigns and forms.
        Marketing = "marketing",
    }
);

str_enum!(
    /// The language a user works in.
    Locale {
        /// English.
        En = "en",
        /// Persian (right to left, Solar Hijri calendar).
        Fa = "fa",
        /// Romanian.
        Ro = "ro",
    }
);

str_enum!(
    /// What an API token may do.
    TokenScope {
        /// Read only: every write is refused.
        Read = "read",
        /// Read and write, within the user's own rights.
        Write = "write",
    }
);

/// A user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Login email, lower-cased.
    pub email: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Team (reps and their manager share one).
    pub team_id: Option<TeamId>,
    /// Language.
    pub locale: Locale,
    /// IANA time zone, e.g. `Asia/Tehran`.
    pub time_zone: String,
    /// Set when the user may no longer sign in or use tokens.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

impl User {
    /// A new, enabled user with English and UTC defaults; fill the rest with struct update.
    pub fn new(email: &str, display_name: &str, role: Role, at: DateTime<Utc>) -> Self {
        Self {
            id: UserId::new(),
            email: email.trim().to_lowercase(),
            display_name: display_name.trim().to_owned(),
            role,
            team_id: None,
            locale: Locale::En,
            time_zone: "UTC".to_owned(),
            disabled_at: None,
            created_at: at,
            version: 1,
        }
    }

    /// True while the user may act.
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }
}

/// A team of reps under a manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    /// Id.
    pub id: TeamId,
    /// Unique name.
    pub name: String,
    /// Created at.
    pub created_at: DateTime<Utc>,
}

/// An API token's record; the secret is shown once at creation and stored only as a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Id.
    pub id: TokenId,
    /// Whose rights it carries.
    pub user_id: UserId,
    /// What it is for ("CRM import script").
    pub name: String,
    /// The first characters of the secret, to recognise it in lists.
    pub prefix: String,
    /// Read or write.
    pub scope: TokenScope,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last accepted use (updated at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// Set once revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A browser session; its secret lives only in the user's cookie, the store keeps a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Whose session it is.
    pub user_id: UserId,
    /// Signed in at.
    pub created_at: DateTime<Utc>,
    /// Last request seen (updated at most once a minute).
    pub last_seen_at: DateTime<Utc>,
    /// Absolute end, whatever the activity.
    pub expires_at: DateTime<Utc>,
    /// Set at sign-out, password change or when the user is disabled.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Raw input for a new user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserDraft {
    /// Login email.
    pub email: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// Role name.
    pub role: Option<String>,
    /// Team name (created if missing).
    pub team: Option<String>,
    /// Locale name.
    pub locale: Option<String>,
    /// IANA time zone.
    pub time_zone: Option<String>,
}

/// A validated new user (team by name, resolved by the service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Lower-cased login email.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Team name.
    pub team: Option<String>,
    /// Locale.
    pub locale: Locale,
    /// Time zone.
    pub time_zone: String,
}

impl UserDraft {
    /// Validates every field at once.
    pub fn validate(&self) -> Result<NewUser> {
        use super::lead::{limits, parse_enum};
        use super::text;
        let mut e = Errors::new();
        let email = e.take(
            "email",
            super::Email::parse(self.email.as_deref().unwrap_or("")),
        );
        let display_name = e.take(
            "display_name",
            text::required(self.display_name.as_deref().unwrap_or(""), limits::NAME),
        );
        let role = e.take(
            "role",
            parse_enum(self.role.as_deref(), Role::parse, Role::expected).and_then(|r| {
                r.ok_or_else(|| {
                    FieldError::new(
                        "",
                        "required",
                        format!("give a role: one of {}", Role::expected()),
                    )
                })
            }),
        );
        let team = e.take("team", text::optional(self.team.as_deref(), limits::NAME));
        let locale = e.take(
            "locale",
            parse_enum(self.locale.as_deref(), Locale::parse, Locale::expected),
        );
        let time_zone = e.take("time_zone", parse_time_zone(self.time_zone.as_deref()));
        e.finish()?;
        let ok = "validated above";
        Ok(NewUser {
            email: email.expect(ok).as_str().to_lowercase(),
            display_name: display_name.expect(ok),
            role: role.expect(ok),
            team: team.expect(ok),
            locale: locale.expect(ok).unwrap_or(Locale::En),
            time_zone: time_zone.expect(ok),
        })
    }
}

/// A user's own choices: the language and the time zone their pages use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreferencesDraft {
    /// `en`, `fa` or `ro`; `None` keeps the current one.
    pub locale: Option<String>,
    /// An IANA time zone; `None` keeps the current one.
    pub time_zone: Option<String>,
}

impl PreferencesDraft {
    /// The validated language and time zone, `None` where the draft keeps the current one.
    pub fn validate(&self) -> Result<(Option<Locale>, Option<String>)> {
        use super::lead::parse_enum;
        let mut e = Errors::new();
        let locale = e.take(
            "locale",
            parse_enum(self.locale.as_deref(), Locale::parse, Locale::expected),
        );
        let zone = match self.time_zone.as_deref() {
            None => None,
            Some(raw) => e.take("time_zone", parse_time_zone(Some(raw))),
        };
        e.finish()?;
        Ok((locale.flatten(), zone))
    }
}

fn parse_time_zone(raw: Option<&str>) -> Result<String, FieldError> {
    let name = raw
        .map(str::trim)
        .filter(|z| !z.is_empty())
        .unwrap_or("UTC");
    name.parse::<chrono_tz::Tz>()
        .map(|tz| tz.name().to_owned())
        .map_err(|_| {
            FieldError::new(
                "",
                "invalid_time_zone",
                format!(
                    "{name:?} is not an IANA time zone such as Asia/Tehran or Europe/Bucharest"
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_draft_is_normalised() {
        let d = UserDraft {
            email: Some(" Sara@Example.IR ".into()),
            display_name: Some("Sara".into()),
            role: Some("sales_rep".into()),
            time_zone: Some("Asia/Tehran".into()),
            ..UserDraft::default()
        };
        let u = d.validate().expect("valid");
        assert_eq!(
            (u.email.as_str(), u.role, u.locale, u.time_zone.as_str()),
            ("sara@example.ir", Role::SalesRep, Locale::En, "Asia/Tehran")
        );
    }

    #[test]
    fn a_bad_user_draft_names_every_field() {
        let d = UserDraft {
            email: Some("x".into()),
            role: Some("boss".into()),
            locale: Some("de".into()),
            time_zone: Some("Mars/Olympus".into()),
            ..UserDraft::default()
        };
        let Err(crate::Error::Validation(errors)) = d.validate() else {
            panic!("expected errors")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["email", "display_name", "role", "locale", "time_zone"]
        );
    }
}
