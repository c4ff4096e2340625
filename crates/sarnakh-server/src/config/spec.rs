//! The list of settings (key, default, help, secret) and the example file made from it.
//! Adding a setting: a row here, a field in [`super::Settings`], a flag where it belongs.

use crate::store_url::DEFAULT_DATABASE_URL;

/// One setting: its key (in the file; `SARNAKH_` + upper case in the environment; `--` +
/// dashes as a flag), default, help line, and whether its value is secret.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The key in `sarnakh.toml`.
    pub key: &'static str,
    /// The built-in value; `None`: unset.
    pub default: Option<&'static str>,
    /// One line saying what it does.
    pub help: &'static str,
    /// Whether [`Layered::show`] must hide its value.
    pub secret: bool,
}

const fn spec(key: &'static str, default: Option<&'static str>, help: &'static str) -> Spec {
    Spec {
        key,
        default,
        help,
        secret: false,
    }
}

/// Every setting there is, in the order `config example` and `config show` print them.
pub const SETTINGS: &[Spec] = &[
    Spec {
        secret: true,
        ..spec(
            "database_url",
            Some(DEFAULT_DATABASE_URL),
            "Database: sqlite://FILE (created if missing) or postgres://USER[:PASSWORD]@HOST[:PORT]/DB.",
        )
    },
    spec(
        "log_format",
        Some("pretty"),
        "Log output: pretty (human-readable lines) or json (one JSON object per line).",
    ),
    spec(
        "bind",
        Some("127.0.0.1:8080"),
        "Address `sarnakh serve` listens on.",
    ),
    spec(
        "rate_limit_per_token",
        Some("100"),
        "Sustained API requests per second allowed per token (0: no limit).",
    ),
    spec(
        "rate_limit_burst",
        Some("1000"),
        "Requests a token may send in a burst before the sustained rate applies.",
    ),
    spec(
        "form_rate_per_ip_minute",
        Some("20"),
        "Web form submissions per minute from one client address (0: no limit).",
    ),
    spec(
        "form_rate_per_second",
        Some("50"),
        "Web form submissions per second to one form (0: no limit).",
    ),
    spec(
        "retrain_every_hours",
        Some("24"),
        "Hours between trainings of the predictive win model, fractions allowed (0: only on demand).",
    ),
    spec(
        "rescore_every_hours",
        Some("24"),
        "Hours between recomputations of every lead's score, fractions allowed (0: only on events and edits).",
    ),
    spec(
        "forecast_snapshot_every_days",
        Some("7"),
        "Days between forecast snapshots (0: only on demand).",
    ),
    Spec {
        secret: true,
        ..spec(
            "metrics_token",
            None,
            "Bearer token that /metrics requires; unset: /metrics answers loopback clients only.",
        )
    },
    Spec {
        secret: true,
        ..spec(
            "smtp_url",
            None,
            "SMTP server for the daily digest and alerts: smtps://USER:PASSWORD@HOST:465 (TLS), smtp://USER:PASSWORD@HOST:587?tls=required (STARTTLS); unset: no mail.",
        )
    },
    spec(
        "mail_from",
        Some("Sarnakh <sarnakh@localhost>"),
        "The From address of Sarnakh's mails.",
    ),
    spec(
        "digest_hour",
        Some("7"),
        "Hour of the day (0-23, in each user's own time zone) from which their daily digest is sent.",
    ),
    spec(
        "public_url",
        None,
        "Address users reach Sarnakh at (https://crm.example.com), for links in mails and calendar feeds.",
    ),
    spec(
        "webhook_allow_private",
        Some("false"),
        "Let webhooks reach loopback, private and link-local addresses: only for tests and on-premises intranets.",
    ),
    Spec {
        secret: true,
        ..spec(
            "nats_url",
            None,
            "NATS server (nats://HOST:4222) to publish every event to with JetStream; unset: no event stream.",
        )
    },
    spec(
        "nats_stream",
        Some("SARNAKH"),
        "JetStream stream for the events (created if missing, subjects sarnakh.>).",
    ),
];

/// A commented example `sarnakh.toml` with every setting at its default.
pub fn example() -> String {
    let mut out = String::from(
        "# sarnakh.toml: Sarnakh's settings. Each may also be set by an environment variable\n\
         # (SARNAKH_ + the key in upper case) or a flag (--key-with-dashes); flags win over the\n\
         # environment, which wins over this file, which wins over the defaults.\n\
         # Read from --config FILE, SARNAKH_CONFIG, or ./sarnakh.toml if present.\n",
    );
    for s in SETTINGS {
        out.push_str(&format!("\n# {}\n", s.help));
        match s.default {
            Some(d) if d.parse::<i64>().is_ok() || d.parse::<bool>().is_ok() => {
                out.push_str(&format!("# {} = {d}\n", s.key))
            }
            Some(d) => out.push_str(&format!("# {} = {d:?}\n", s.key)),
            None => out.push_str(&format!("# {} = \"\"\n", s.key)),
        }
    }
    out
}
