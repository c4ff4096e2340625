//! Email: the SMTP connection (`lettre`, TLS by rustls), the mails Sarnakh writes (the
//! daily digest, the first-contact breach alert, the operator's test mail) in each
//! recipient's language, and the background job that sends them once (`job.rs`).
//!
//! This module renders and sends; what to send and to whom is decided by
//! `sarnakh_core::service` (`digest_for`, `sla_alerts_due`, `claim_mail` ...). It never
//! logs the SMTP URL, which may hold a password.

pub mod job;
mod render;

pub use render::{digest_mail, record_path, sla_mail, test_mail};

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// What the mail settings say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    /// `smtp://` or `smtps://` URL; `None`: no mail is sent.
    pub smtp_url: Option<String>,
    /// The `From` address.
    pub from: String,
    /// Local hour (0-23) from which each user's digest is sent.
    pub digest_hour: u32,
    /// Base URL of links in mails and calendar feeds (`https://crm.example.com`).
    pub public_url: Option<String>,
}

impl MailSettings {
    /// The base of links, without a trailing slash (`http://localhost:8080` when unset).
    pub fn base_url(&self) -> String {
        self.public_url
            .as_deref()
            .unwrap_or("http://localhost:8080")
            .trim_end_matches('/')
            .to_owned()
    }
}

/// One mail to send: to one address, with a plain text and an HTML part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// The plain text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}

/// Why a mail could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The settings are wrong (bad URL, bad address).
    #[error("mail settings: {0}")]
    Settings(String),
    /// The SMTP server refused or could not be reached.
    #[error("smtp: {0}")]
    Smtp(String),
}

/// An SMTP connection pool.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// A mailer for the settings; `Ok(None)` when no SMTP URL is set.
    pub fn from_settings(settings: &MailSettings) -> Result<Option<Self>, MailError> {
        let Some(url) = settings.smtp_url.as_deref() else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            // lettre's message may quote the URL: say only what kind of problem it is.
            .map_err(|_| {
                MailError::Settings("smtp_url is not a valid smtp:// or smtps:// URL".into())
            })?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = settings.from.parse::<Mailbox>().map_err(|e| {
            MailError::Settings(format!(
                "mail_from {:?} is not an address: {e}",
                settings.from
            ))
        })?;
        Ok(Some(Self { transport, from }))
    }

    /// Sends one mail (text and HTML alternatives).
    pub async fn send(&self, mail: &Outgoing) -> Result<(), MailError> {
        let to = mail
            .to
            .parse::<Mailbox>()
            .map_err(|e| MailError::Settings(format!("recipient {:?}: {e}", mail.to)))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| MailError::Settings(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Smtp(e.to_string()))
    }
}
