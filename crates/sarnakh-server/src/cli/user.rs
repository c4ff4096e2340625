//! `sarnakh user add|list` and `sarnakh token create|revoke`: the operator's console for
//! people and credentials. There is no default account: the first admin is made here.

use anyhow::Context;
use clap::{Args, Subcommand};
use sarnakh_core::domain::TokenScope;
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::service::{Actor, Services};
use sarnakh_core::store::Store;
use std::io::Read;
use std::sync::Arc;

/// User commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is read from standard input with --password-stdin, or
    /// generated and printed once.
    Add(AddUser),
    /// List users.
    List,
    /// Disable a user: their sessions end and their tokens stop working.
    Disable {
        /// The user's email.
        email: String,
    },
    /// Set a user's password from standard input; their sessions end.
    Password {
        /// The user's email.
        email: String,
    },
}

/// Options of `sarnakh user add`.
#[derive(Debug, Args)]
pub struct AddUser {
    /// Login email.
    #[arg(long)]
    email: String,
    /// Name shown in the UI (default: the email).
    #[arg(long)]
    name: Option<String>,
    /// admin, sales_manager, sales_rep or marketing.
    #[arg(long)]
    role: String,
    /// Team name (created if missing).
    #[arg(long)]
    team: Option<String>,
    /// en, fa or ro.
    #[arg(long)]
    locale: Option<String>,
    /// IANA time zone, e.g. Asia/Tehran.
    #[arg(long)]
    time_zone: Option<String>,
    /// Read the password from standard input instead of generating one.
    #[arg(long)]
    password_stdin: bool,
}

/// Token commands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user; the secret is printed once.
    Create {
        /// The user's email.
        #[arg(long)]
        user: String,
        /// What the token is for.
        #[arg(long, default_value = "command line")]
        name: String,
        /// read or write.
        #[arg(long, default_value = "read")]
        scope: String,
    },
}

/// Runs a user command.
pub async fn run_user(store: Arc<dyn Store>, cmd: UserCommand) -> anyhow::Result<()> {
    let services = Services::new(store);
    match cmd {
        UserCommand::Add(a) => {
            let password = if a.password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let draft = UserDraft {
                display_name: a.name.or_else(|| Some(a.email.clone())),
                email: Some(a.email),
                role: Some(a.role),
                team: a.team,
                locale: a.locale,
                time_zone: a.time_zone,
            };
            let (user, secret) = services
                .add_user(&Actor::SYSTEM, &draft, password.as_deref())
                .await
                .map_err(super::explain)?;
            println!(
                "added {} ({}) as {}",
                user.email, user.display_name, user.role
            );
            if password.is_none() {
                println!("password (shown once): {secret}");
            }
            Ok(())
        }
        UserCommand::Disable { email } => {
            let user = find(&services, &email).await?;
            services
                .disable_user(&Actor::SYSTEM, user.id)
                .await
                .map_err(super::explain)?;
            println!("disabled {}", user.email);
            Ok(())
        }
        UserCommand::Password { email } => {
            let user = find(&services, &email).await?;
            let password = read_password()?;
            services
                .set_password(&Actor::SYSTEM, user.id, &password)
                .await
                .map_err(super::explain)?;
            println!(
                "password of {} changed; their sessions have ended",
                user.email
            );
            Ok(())
        }
        UserCommand::List => {
            for u in services.list_users().await.map_err(super::explain)? {
                let state = if u.is_active() { "" } else { " (disabled)" };
                println!(
                    "{:<36}  {:<40}  {:<28}  {}{state}",
                    u.id, u.email, u.display_name, u.role
                );
            }
            Ok(())
        }
    }
}

/// Runs a token command.
pub async fn run_token(store: Arc<dyn Store>, cmd: TokenCommand) -> anyhow::Result<()> {
    let services = Services::new(store);
    match cmd {
        TokenCommand::Create { user, name, scope } => {
            let scope = TokenScope::parse(scope.trim())
                .ok_or_else(|| anyhow::anyhow!("--scope {scope:?} is not one of: read, write"))?;
            let owner = find(&services, &user).await?;
            let (token, secret) = services
                .create_token(&Actor::SYSTEM, owner.id, &name, scope)
                .await
                .map_err(super::explain)?;
            println!(
                "token {} ({}) for {}: {secret}",
                token.id, token.scope, owner.email
            );
            println!("keep it now: it is shown only once");
            Ok(())
        }
    }
}

async fn find(services: &Services, email: &str) -> anyhow::Result<sarnakh_core::domain::User> {
    services
        .find_user(email)
        .await
        .map_err(super::explain)?
        .ok_or_else(|| anyhow::anyhow!("no user has the email {email:?}"))
}

fn read_password() -> anyhow::Result<String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("could not read the password from standard input")?;
    Ok(input.trim_end_matches(['\r', '\n']).to_owned())
}
