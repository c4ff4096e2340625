//! The mail job against a local SMTP sink (a small SMTP server in this file that captures
//! what it is sent): digests in the user's language (Persian right to left with Persian
//! digits and Solar Hijri dates), only the user's own follow-ups, once per local day even
//! with two runners on PostgreSQL, nothing for users who opted out, one breach alert per
//! lead to its owner and their manager, and an SMTP failure recorded and retried.

use chrono::{DateTime, Duration, TimeZone, Utc};
use sarnakh_core::clock::{Clock, ManualClock};
use sarnakh_core::domain::User;
use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::sla::SlaSettings;
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::service::{Actor, Services, TaskDraft};
use sarnakh_core::store::{MailKind, MailStatus, Store};
use sarnakh_server::mail::job::run_once;
use sarnakh_server::mail::{MailSettings, Mailer, digest_mail};
use std::sync::Arc;

mod smtp_sink;

use smtp_sink::Sink;

/// Monday 30 November 2026, 08:00 UTC (11:30 in Tehran).
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0)
        .single()
        .expect("a time")
}

struct World {
    services: Services,
    store: Arc<dyn Store>,
    clock: Arc<ManualClock>,
    _dir: Option<tempfile::TempDir>,
}

impl World {
    async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}", dir.path().join("mail.db").display());
        let store: Arc<dyn Store> = Arc::new(
            sarnakh_store_sqlite::SqliteStore::open(&url)
                .await
                .expect("open"),
        );
        Self::on(store, Some(dir))
    }

    fn on(store: Arc<dyn Store>, dir: Option<tempfile::TempDir>) -> Self {
        let clock = Arc::new(ManualClock::new(start()));
        Self {
            services: Services::with_clock(store.clone(), clock.clone()),
            store,
            clock,
            _dir: dir,
        }
    }

    fn advance(&self, by: Duration) {
        self.clock.set(self.clock.now() + by);
    }

    async fn user(&self, email: &str, role: &str, team: &str, locale: &str, zone: &str) -> User {
        let draft = UserDraft {
            email: Some(email.into()),
            display_name: Some(email.split('@').next().unwrap_or(email).into()),
            role: Some(role.into()),
            team: Some(team.into()),
            locale: Some(locale.into()),
            time_zone: Some(zone.into()),
        };
        self.services
            .add_user(&Actor::SYSTEM, &draft, None)
            .await
            .expect("user")
            .0
    }

    async fn task(&self, owner: &User, title: &str, due: DateTime<Utc>) {
        self.services
            .create_task(
                &Actor::on_behalf_of(owner.id),
                &TaskDraft {
                    title: Some(title.into()),
                    due_at: Some(due.to_rfc3339()),
                    owner_id: Some(owner.id),
                    ..TaskDraft::default()
                },
            )
            .await
            .expect("task");
    }

    async fn statuses(&self, kind: MailKind) -> Vec<(String, String, MailStatus, u32)> {
        let users = self.store.list_users().await.expect("users");
        let email = |id| {
            users
                .iter()
                .find(|u| u.id == id)
                .map(|u| u.email.clone())
                .unwrap_or_default()
        };
        let mut rows: Vec<_> = self
            .services
            .mail_log(kind, start() - Duration::days(30))
            .await
            .expect("log")
            .into_iter()
            .map(|e| (email(e.recipient), e.key, e.status, e.attempts))
            .collect();
        rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        rows
    }
}

fn settings(url: String, digest_hour: u32) -> MailSettings {
    MailSettings {
        smtp_url: Some(url),
        from: "Sarnakh <crm@sarnakh.test>".into(),
        digest_hour,
        public_url: Some("https://crm.sarnakh.test/".into()),
    }
}

fn mailer(s: &MailSettings) -> Mailer {
    Mailer::from_settings(s).expect("settings").expect("on")
}

/// Fluent wraps each value in invisible direction marks; tests read past them.
fn plain(s: &str) -> String {
    s.replace(['\u{2068}', '\u{2069}'], "")
}

#[tokio::test]
async fn digests_speak_the_users_language_and_persian_reads_right_to_left() {
    let w = World::sqlite().await;
    let dana = w
        .user("dana@x.test", "sales_rep", "North", "en", "UTC")
        .await;
    let sara = w
        .user("sara@x.test", "sales_rep", "North", "fa", "Asia/Tehran")
        .await;
    for u in [&dana, &sara] {
        w.task(
            u,
            "Call Arash, then; send\nthe offer",
            start() - Duration::days(1),
        )
        .await;
        w.task(u, "تماس با آرش", start() + Duration::hours(4)).await;
        w.task(u, "Next week", start() + Duration::days(7)).await;
    }
    let base = "https://crm.sarnakh.test";
    let en = digest_mail(&w.services.digest_for(&dana).await.expect("digest"), base);
    let text = plain(&en.text);
    assert!(text.contains("Hello dana,"), "{text}");
    assert!(text.contains("Overdue follow-ups: 1"), "{text}");
    assert!(text.contains("Follow-ups due today: 1"), "{text}");
    assert!(!text.contains("Next week"), "{text}");
    assert!(
        plain(&en.subject).contains("Nov 30, 2026"),
        "{}",
        en.subject
    );
    assert!(en.html.contains(r#"dir="ltr""#) && en.html.contains(r#"lang="en""#));
    assert!(text.contains("https://crm.sarnakh.test/inbox"), "{text}");
    assert!(text.contains("https://crm.sarnakh.test/profile"), "{text}");

    let fa = digest_mail(&w.services.digest_for(&sara).await.expect("digest"), base);
    let text = plain(&fa.text);
    assert!(
        fa.html.contains(r#"<html lang="fa" dir="rtl">"#),
        "{}",
        fa.html
    );
    assert!(text.contains("پیگیری‌های گذشته از سررسید: ۱"), "{text}");
    assert!(text.contains("پیگیری‌های سررسید امروز: ۱"), "{text}");
    assert!(text.contains("تماس با آرش"), "{text}");
    // 30 November 2026 is 9 Azar 1405 in the Solar Hijri calendar, in Persian digits.
    let subject = plain(&fa.subject);
    assert!(subject.contains("۱۴۰۵"), "{subject}");
    assert!(!subject.chars().any(|c| c.is_ascii_digit()), "{subject}");
    // Titles are escaped in the HTML part.
    assert!(!fa.html.contains("<script"));
}

#[tokio::test]
async fn a_digest_lists_only_the_users_own_follow_ups() {
    let w = World::sqlite().await;
    let manager = w
        .user("boss@x.test", "sales_manager", "North", "en", "UTC")
        .await;
    let rep = w
        .user("rep@x.test", "sales_rep", "North", "en", "UTC")
        .await;
    let other = w
        .user("other@x.test", "sales_rep", "South", "en", "UTC")
        .await;
    let due = start() - Duration::hours(2);
    w.task(&manager, "Manager's own", due).await;
    w.task(&rep, "Rep's own", due).await;
    w.task(&other, "Another team's", due).await;
    let titles = |d: sarnakh_core::service::Digest| -> Vec<String> {
        d.overdue.into_iter().map(|t| t.title).collect()
    };
    let s = &w.services;
    assert_eq!(titles(s.digest_for(&rep).await.expect("d")), ["Rep's own"]);
    assert_eq!(
        titles(s.digest_for(&manager).await.expect("d")),
        ["Manager's own"],
        "a manager sees the team's tasks but gets only their own"
    );
    assert_eq!(
        titles(s.digest_for(&other).await.expect("d")),
        ["Another team's"]
    );
}

#[tokio::test]
async fn the_job_sends_one_digest_per_user_per_local_day_and_none_to_who_opted_out() {
    let sink = Sink::start().await;
    let w = World::sqlite().await;
    let dana = w
        .user("dana@x.test", "sales_rep", "North", "en", "UTC")
        .await;
    let sara = w
        .user("sara@x.test", "sales_rep", "North", "fa", "Asia/Tehran")
        .await;
    let quiet = w
        .user("quiet@x.test", "sales_rep", "North", "en", "UTC")
        .await;
    w.user("idle@x.test", "sales_rep", "North", "en", "UTC")
        .await;
    let late = w
        .user(
            "late@x.test",
            "sales_rep",
            "North",
            "en",
            "America/New_York",
        )
        .await;
    for u in [&dana, &sara, &quiet, &late] {
        w.task(u, "Call back", start() - Duration::hours(1)).await;
    }
    w.services
        .set_email_digest(&Actor::on_behalf_of(quiet.id), false)
        .await
        .expect("opt out");
    let s = settings(sink.url(), 7);
    let m = mailer(&s);
    let first = run_once(&w.services, &m, &s).await;
    assert_eq!((first.sent, first.failed, first.skipped), (2, 0, 1));
    assert_eq!(sink.recipients(), ["dana@x.test", "sara@x.test"]);
    // 03:00 in New York: not yet; the other digests are not sent again.
    let again = run_once(&w.services, &m, &s).await;
    assert_eq!((again.sent, again.failed), (0, 0));
    assert_eq!(sink.mails().len(), 2);
    w.advance(Duration::hours(5));
    let later = run_once(&w.services, &m, &s).await;
    assert_eq!(later.sent, 1, "07:00 in New York");
    assert_eq!(sink.mails().len(), 3);
    let log = w.statuses(MailKind::Digest).await;
    assert_eq!(
        log,
        [
            (
                "dana@x.test".into(),
                "2026-11-30".into(),
                MailStatus::Sent,
                1
            ),
            (
                "idle@x.test".into(),
                "2026-11-30".into(),
                MailStatus::Skipped,
                1
            ),
            (
                "late@x.test".into(),
                "2026-11-30".into(),
                MailStatus::Sent,
                1
            ),
            (
                "sara@x.test".into(),
                "2026-11-30".into(),
                MailStatus::Sent,
                1
            ),
        ]
    );
    // The next local day brings the next digest.
    w.advance(Duration::days(1));
    let next = run_once(&w.services, &m, &s).await;
    assert_eq!(next.sent, 3);
    assert!(sink.recipients().iter().all(|r| r != "quiet@x.test"));
    let mime = &sink.mails()[0].data;
    assert!(mime.contains("multipart/alternative"), "{mime}");
    assert!(mime.contains("From: Sarnakh <crm@sarnakh.test>"), "{mime}");
}

#[tokio::test]
async fn a_breached_lead_alerts_its_owner_and_their_manager_once() {
    let sink = Sink::start().await;
    let w = World::sqlite().await;
    let manager = w
        .user(
            "boss@x.test",
            "sales_manager",
            "North",
            "ro",
            "Europe/Bucharest",
        )
        .await;
    let rep = w
        .user("rep@x.test", "sales_rep", "North", "en", "UTC")
        .await;
    w.user("south@x.test", "sales_manager", "South", "en", "UTC")
        .await;
    w.services
        .set_sla_settings(
            &Actor::SYSTEM,
            SlaSettings {
                first_contact_minutes: 30,
                working_hours: None,
            },
        )
        .await
        .expect("sla");
    let lead = w
        .services
        .capture_lead(
            &Actor::SYSTEM,
            &LeadDraft {
                first_name: Some("Arash".into()),
                last_name: Some("Karimi".into()),
                company: Some("Karimi & Sons".into()),
                email: Some("arash@karimi.test".into()),
                owner_id: Some(rep.id),
                ..LeadDraft::default()
            },
        )
        .await
        .expect("lead");
    // No digests in this test: the digest hour has not come for anyone.
    let s = settings(sink.url(), 23);
    let m = mailer(&s);
    assert_eq!(run_once(&w.services, &m, &s).await.sent, 0, "not due yet");
    w.advance(Duration::minutes(31));
    let alerts = w.services.sla_alerts_due().await.expect("alerts");
    assert_eq!(run_once(&w.services, &m, &s).await.sent, 2);
    assert_eq!(sink.recipients(), ["boss@x.test", "rep@x.test"]);
    w.advance(Duration::minutes(5));
    assert_eq!(run_once(&w.services, &m, &s).await.sent, 0, "once per lead");
    let log = w.statuses(MailKind::SlaBreach).await;
    let key = lead.id.to_string();
    assert_eq!(
        log,
        [
            ("boss@x.test".into(), key.clone(), MailStatus::Sent, 1),
            ("rep@x.test".into(), key, MailStatus::Sent, 1),
        ]
    );
    assert!(
        w.services
            .sla_alerts_due()
            .await
            .expect("alerts")
            .is_empty(),
        "everyone was told"
    );
    let ro = sarnakh_server::mail::sla_mail(&alerts[0], &manager, "https://crm.test");
    let text = plain(&ro.text);
    assert!(
        plain(&ro.subject).contains("Primul contact întârziat: Arash Karimi (Karimi & Sons)"),
        "{}",
        ro.subject
    );
    assert!(
        text.contains(&format!("https://crm.test/leads/{}", lead.id)),
        "{text}"
    );
    assert!(text.contains("Responsabil: rep"), "{text}");
    assert!(text.contains("Bună ziua, boss,"), "{text}");
    assert!(
        ro.html.contains("Karimi &amp; Sons") || ro.html.contains("Karimi &#38; Sons"),
        "{}",
        ro.html
    );
}

#[tokio::test]
async fn an_smtp_failure_is_recorded_and_retried_on_a_later_run() {
    let sink = Sink::start().await;
    let w = World::sqlite().await;
    let dana = w
        .user("dana@x.test", "sales_rep", "North", "en", "UTC")
        .await;
    w.task(&dana, "Call back", start() - Duration::hours(1))
        .await;
    // A server that does not answer at all: counted as a failure, no crash.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let down = settings(format!("smtp://{closed}"), 7);
    let report = run_once(&w.services, &mailer(&down), &down).await;
    assert_eq!((report.sent, report.failed), (0, 1));
    let log = w.statuses(MailKind::Digest).await;
    assert_eq!(log[0].2, MailStatus::Failed);
    // Not retried before its time, even through a working server.
    let s = settings(sink.url(), 7);
    let m = mailer(&s);
    assert_eq!(run_once(&w.services, &m, &s).await.sent, 0);
    // A server that refuses for now.
    sink.refuse.store(true, std::sync::atomic::Ordering::SeqCst);
    w.advance(Duration::minutes(3));
    let refused = run_once(&w.services, &m, &s).await;
    assert_eq!((refused.sent, refused.failed), (0, 1));
    assert!(sink.mails().is_empty());
    sink.refuse
        .store(false, std::sync::atomic::Ordering::SeqCst);
    w.advance(Duration::minutes(5));
    assert_eq!(run_once(&w.services, &m, &s).await.sent, 1);
    assert_eq!(sink.recipients(), ["dana@x.test"]);
    let log = w.statuses(MailKind::Digest).await;
    assert_eq!((log[0].2, log[0].3), (MailStatus::Sent, 3));
}

#[tokio::test]
async fn two_instances_on_postgres_send_each_mail_once() {
    let Some(url) = sarnakh_testkit::postgres::fresh_database().await else {
        return;
    };
    let sink = Sink::start().await;
    let open = || async {
        let store: Arc<dyn Store> = Arc::new(
            sarnakh_store_postgres::PostgresStore::open_with(&url, 4)
                .await
                .expect("open"),
        );
        store
    };
    let a = World::on(open().await, None);
    let b = World::on(open().await, None);
    let mut users = Vec::new();
    for i in 0..6 {
        let u = a
            .user(&format!("rep{i}@x.test"), "sales_rep", "North", "en", "UTC")
            .await;
        a.task(&u, "Call back", start() - Duration::hours(1)).await;
        users.push(u);
    }
    let s = settings(sink.url(), 7);
    let (ma, mb) = (mailer(&s), mailer(&s));
    let (ra, rb) = tokio::join!(
        run_once(&a.services, &ma, &s),
        run_once(&b.services, &mb, &s)
    );
    assert_eq!(ra.sent + rb.sent, 6, "{ra:?} {rb:?}");
    let (ra, rb) = tokio::join!(
        run_once(&a.services, &ma, &s),
        run_once(&b.services, &mb, &s)
    );
    assert_eq!(ra.sent + rb.sent, 0);
    let mut expected: Vec<String> = users.iter().map(|u| u.email.clone()).collect();
    expected.sort();
    assert_eq!(sink.recipients(), expected);
}

fn sarnakh(db: &str, smtp: Option<&str>, args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sarnakh"));
    cmd.args(args)
        .env("SARNAKH_DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .env_remove("SARNAKH_SMTP_URL");
    if let Some(url) = smtp {
        cmd.env("SARNAKH_SMTP_URL", url);
    }
    cmd.output().expect("run sarnakh")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_prints_a_digest_and_sends_a_test_mail() {
    let sink = Sink::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("cli.db").display());
    let store: Arc<dyn Store> = Arc::new(
        sarnakh_store_sqlite::SqliteStore::open(&db)
            .await
            .expect("open"),
    );
    let w = World::on(store, None);
    let dana = w
        .user("dana@x.test", "sales_rep", "North", "en", "UTC")
        .await;
    // The console runs on the wall clock.
    w.task(&dana, "Call back Arash", Utc::now() - Duration::hours(1))
        .await;
    let (db2, url) = (db.clone(), sink.url());
    let (dry, test, off) = tokio::task::spawn_blocking(move || {
        (
            sarnakh(
                &db2,
                None,
                &["mail", "digest", "--user", "DANA@x.test", "--dry-run"],
            ),
            sarnakh(&db2, Some(&url), &["mail", "test", "--to", "ops@x.test"]),
            sarnakh(&db2, None, &["mail", "test", "--to", "ops@x.test"]),
        )
    })
    .await
    .expect("commands");
    let out = plain(&String::from_utf8_lossy(&dry.stdout));
    assert!(dry.status.success(), "{out}");
    assert!(out.contains("To: dana@x.test"), "{out}");
    assert!(out.contains("Overdue follow-ups: 1"), "{out}");
    assert!(out.contains("Call back Arash"), "{out}");
    assert!(
        w.services
            .mail_log(MailKind::Digest, start() - Duration::days(30))
            .await
            .expect("log")
            .is_empty(),
        "a dry run records nothing"
    );
    assert!(
        test.status.success(),
        "{}",
        String::from_utf8_lossy(&test.stderr)
    );
    assert_eq!(sink.recipients(), ["ops@x.test"]);
    assert!(!off.status.success());
    assert!(String::from_utf8_lossy(&off.stderr).contains("mail is off"));
}
