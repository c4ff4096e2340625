//! Settings in layers: built-in defaults, then a `sarnakh.toml` file, then `SARNAKH_*`
//! environment variables, then command-line flags (each layer overrides the one before).
//!
//! Every layer is held as text and parsed once at the end, so an error names the setting,
//! the bad value and where it came from. Unknown keys in the file are errors. Secrets (the
//! database password, the metrics token) are redacted by [`Layered::show`] and never logged.
//! This module reads settings; it does not act on them.

mod spec;

pub use spec::{SETTINGS, Spec, example};

use crate::store_url::redact;
use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The file read when neither `--config` nor `SARNAKH_CONFIG` names one, if it exists.
pub const DEFAULT_FILE: &str = "sarnakh.toml";

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The built-in default.
    Default,
    /// The configuration file.
    File(PathBuf),
    /// An environment variable.
    Env(String),
    /// A command-line flag.
    Flag(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("default"),
            Self::File(path) => write!(f, "file {}", path.display()),
            Self::Env(name) => write!(f, "environment variable {name}"),
            Self::Flag(name) => write!(f, "flag {name}"),
        }
    }
}

/// Why the settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The configuration file could not be read.
    #[error("could not read the configuration file {path}: {reason}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The cause.
        reason: String,
    },
    /// The file is not valid TOML.
    #[error("the configuration file {path} is not valid TOML: {reason}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        reason: String,
    },
    /// The file has a key that is not a setting.
    #[error("unknown setting `{key}` in {path} (known settings: {known})")]
    UnknownKey {
        /// The key.
        key: String,
        /// The file.
        path: PathBuf,
        /// Every known key.
        known: String,
    },
    /// A value does not parse as its setting's type.
    #[error("invalid value for `{key}` from {origin}: {reason}")]
    Invalid {
        /// The setting.
        key: &'static str,
        /// Where the value came from.
        origin: Source,
        /// What is wrong.
        reason: String,
    },
}

/// An interval in hours, fractions allowed (`0.25` is 15 minutes); 0 turns a job off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hours(f64);

impl Hours {
    /// The interval, or `None` when 0 (off).
    pub fn every(self) -> Option<std::time::Duration> {
        (self.0 > 0.0).then(|| std::time::Duration::from_secs_f64(self.0 * 3600.0))
    }

    /// The hours as given.
    pub fn hours(self) -> f64 {
        self.0
    }
}

impl FromStr for Hours {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let hours: f64 = s.parse().map_err(|e| format!("{e}"))?;
        if !hours.is_finite() || !(0.0..=87_600.0).contains(&hours) {
            return Err("hours must be a number from 0 to 87600".into());
        }
        Ok(Self(hours))
    }
}

/// Log output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        <Self as clap::ValueEnum>::from_str(s, true).map_err(|_| "expected pretty or json".into())
    }
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pretty => "pretty",
            Self::Json => "json",
        })
    }
}

/// The effective, typed settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Database URL (secret: may hold a password).
    pub database_url: String,
    /// Log output format.
    pub log_format: LogFormat,
    /// Listen address of `serve`.
    pub bind: SocketAddr,
    /// API requests per second per token (0: none).
    pub rate_limit_per_token: u32,
    /// Burst per token.
    pub rate_limit_burst: u32,
    /// Form submissions per minute per client address (0: none).
    pub form_rate_per_ip_minute: u32,
    /// Form submissions per second per form (0: none).
    pub form_rate_per_second: u32,
    /// Hours between model trainings (0: off).
    pub retrain_every_hours: Hours,
    /// Hours between full rescorings (0: off).
    pub rescore_every_hours: Hours,
    /// Days between forecast snapshots (0: off).
    pub forecast_snapshot_every_days: u32,
    /// Token `/metrics` requires; `None`: loopback clients only.
    pub metrics_token: Option<String>,
    /// SMTP server URL (secret: may hold a password); `None`: no mail.
    pub smtp_url: Option<String>,
    /// From address of mails.
    pub mail_from: String,
    /// Local hour (0-23) from which digests are sent.
    pub digest_hour: u32,
    /// Base URL of links in mails and feeds.
    pub public_url: Option<String>,
    /// Whether webhooks may reach loopback and private addresses (tests, intranets).
    pub webhook_allow_private: bool,
    /// NATS server for the JetStream event stream (secret: may hold credentials).
    pub nats_url: Option<String>,
    /// JetStream stream name.
    pub nats_stream: String,
}

/// Every setting's value as text with its source, before parsing.
#[derive(Debug, Clone)]
pub struct Layered {
    values: BTreeMap<&'static str, (String, Source)>,
}

impl Layered {
    /// Reads the layers. `file` is the file named by `--config`/`SARNAKH_CONFIG` (it must
    /// exist); without one, `./sarnakh.toml` is read when present. `env` looks up an
    /// environment variable (empty counts as unset); `flags` are the flags given, by key.
    pub fn load(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
        flags: &[(&'static str, String)],
    ) -> Result<Self, ConfigError> {
        let mut values = BTreeMap::new();
        for s in SETTINGS {
            if let Some(d) = s.default {
                values.insert(s.key, (d.to_owned(), Source::Default));
            }
        }
        let default_file = Path::new(DEFAULT_FILE);
        let file = file.or_else(|| default_file.is_file().then_some(default_file));
        if let Some(path) = file {
            for (key, value) in read_file(path)? {
                values.insert(key, (value, Source::File(path.to_owned())));
            }
        }
        for s in SETTINGS {
            let name = env_name(s.key);
            if let Some(v) = env(&name).filter(|v| !v.is_empty()) {
                values.insert(s.key, (v, Source::Env(name)));
            }
        }
        for (key, value) in flags {
            values.insert(key, (value.clone(), Source::Flag(flag_name(key))));
        }
        Ok(Self { values })
    }

    /// Parses every layer's winner into typed settings.
    pub fn settings(&self) -> Result<Settings, ConfigError> {
        Ok(Settings {
            database_url: self.required("database_url")?,
            log_format: self.required("log_format")?,
            bind: self.required("bind")?,
            rate_limit_per_token: self.required("rate_limit_per_token")?,
            rate_limit_burst: self.required("rate_limit_burst")?,
            form_rate_per_ip_minute: self.required("form_rate_per_ip_minute")?,
            form_rate_per_second: self.required("form_rate_per_second")?,
            retrain_every_hours: self.required("retrain_every_hours")?,
            rescore_every_hours: self.required("rescore_every_hours")?,
            forecast_snapshot_every_days: self.required("forecast_snapshot_every_days")?,
            metrics_token: self.optional("metrics_token")?,
            smtp_url: self.optional("smtp_url")?,
            mail_from: self.required("mail_from")?,
            digest_hour: self.hour("digest_hour")?,
            public_url: self.optional("public_url")?,
            webhook_allow_private: self.required("webhook_allow_private")?,
            nats_url: self.optional("nats_url")?,
            nats_stream: self.required("nats_stream")?,
        })
    }

    /// Every setting with its value (secrets redacted) and source, for `config show`.
    pub fn show(&self) -> Vec<(&'static str, String, String)> {
        SETTINGS
            .iter()
            .map(|s| match self.values.get(s.key) {
                Some((value, source)) => {
                    let shown = match (s.secret, s.key) {
                        (true, "database_url" | "smtp_url") => redact(value),
                        (true, _) => "***".to_owned(),
                        (false, _) => value.clone(),
                    };
                    (s.key, shown, source.to_string())
                }
                None => (s.key, "(unset)".to_owned(), Source::Default.to_string()),
            })
            .collect()
    }

    /// An hour of the day, 0 to 23.
    fn hour(&self, key: &'static str) -> Result<u32, ConfigError> {
        let hour: u32 = self.required(key)?;
        if hour > 23 {
            return Err(ConfigError::Invalid {
                key,
                origin: self
                    .values
                    .get(key)
                    .map_or(Source::Default, |(_, s)| s.clone()),
                reason: format!("{hour}: expected an hour from 0 to 23"),
            });
        }
        Ok(hour)
    }

    fn optional<T: FromStr>(&self, key: &'static str) -> Result<Option<T>, ConfigError>
    where
        T::Err: fmt::Display,
    {
        self.values
            .get(key)
            .map(|(value, source)| {
                value.trim().parse::<T>().map_err(|e| ConfigError::Invalid {
                    key,
                    origin: source.clone(),
                    reason: format!("{value:?}: {e}"),
                })
            })
            .transpose()
    }

    fn required<T: FromStr>(&self, key: &'static str) -> Result<T, ConfigError>
    where
        T::Err: fmt::Display,
    {
        self.optional(key)?.ok_or(ConfigError::Invalid {
            key,
            origin: Source::Default,
            reason: "no value".into(),
        })
    }
}

/// The `SARNAKH_*` names among `names` that are no setting (a typo would otherwise be
/// ignored in silence), leaving out `SARNAKH_CONFIG` and the test suite's `SARNAKH_TEST_*`.
pub fn unknown_env(names: impl IntoIterator<Item = String>) -> Vec<String> {
    names
        .into_iter()
        .filter(|n| n.starts_with("SARNAKH_") && n != "SARNAKH_CONFIG")
        .filter(|n| !n.starts_with("SARNAKH_TEST_"))
        .filter(|n| !SETTINGS.iter().any(|s| env_name(s.key) == *n))
        .collect()
}

/// The environment variable of a setting: `bind` -> `SARNAKH_BIND`.
pub fn env_name(key: &str) -> String {
    format!("SARNAKH_{}", key.to_uppercase())
}

/// The flag of a setting: `rate_limit_burst` -> `--rate-limit-burst`.
pub fn flag_name(key: &str) -> String {
    format!("--{}", key.replace('_', "-"))
}

/// Reads the file's keys as text; refuses unknown keys and tables.
fn read_file(path: &Path) -> Result<Vec<(&'static str, String)>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Unreadable {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| ConfigError::Syntax {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
    let mut out = Vec::new();
    for (key, value) in table {
        let Some(spec) = SETTINGS.iter().find(|s| s.key == key) else {
            return Err(ConfigError::UnknownKey {
                key,
                path: path.to_owned(),
                known: SETTINGS
                    .iter()
                    .map(|s| s.key)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => {
                return Err(ConfigError::Invalid {
                    key: spec.key,
                    origin: Source::File(path.to_owned()),
                    reason: format!("expected a string or a number, found {}", other.type_str()),
                });
            }
        };
        out.push((spec.key, text));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
