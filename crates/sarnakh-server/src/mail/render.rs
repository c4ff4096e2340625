//! The mails' words and layout: every text from the Fluent files in the recipient's
//! language, dates in their calendar, digits and time zone (through `web::Tr`, the same
//! formatting as the pages), an HTML part (right to left for Persian) and a plain text part
//! from the same view. Templates: `templates/mail.html` and `templates/mail.txt`.

use super::Outgoing;
use crate::web::{Lang, Tr};
use askama::Template;
use sarnakh_core::domain::{RecordRef, Task, User};
use sarnakh_core::service::{Digest, SlaAlert, zone_of};

/// One line of a list in a mail.
pub struct Item {
    /// What (a follow-up's title, a lead's name).
    pub title: String,
    /// When, or why.
    pub detail: String,
    /// Where to open it.
    pub url: String,
}

/// A titled list.
pub struct Section {
    /// Heading with the count.
    pub heading: String,
    /// Lines.
    pub items: Vec<Item>,
}

/// What both parts of a mail show.
struct View {
    lang: &'static str,
    dir: &'static str,
    subject: String,
    hello: String,
    intro: Option<String>,
    sections: Vec<Section>,
    button: String,
    button_url: String,
    footer: String,
    footer_url: String,
}

#[derive(Template)]
#[template(path = "mail.html")]
struct HtmlPart<'a> {
    v: &'a View,
}

#[derive(Template)]
#[template(path = "mail.txt")]
struct TextPart<'a> {
    v: &'a View,
}

/// The page of a record (`/leads/{id}` ...).
pub fn record_path(record: RecordRef) -> String {
    let kind = match record {
        RecordRef::Lead(_) => "leads",
        RecordRef::Contact(_) => "contacts",
        RecordRef::Account(_) => "accounts",
        RecordRef::Opportunity(_) => "opportunities",
    };
    format!("/{kind}/{}", record.uuid())
}

/// The texts of a user's language and time zone.
pub fn tr_for(user: &User) -> Tr {
    Tr {
        lang: Lang::parse(user.locale.as_str()).unwrap_or(Lang::En),
        tz: zone_of(user),
    }
}

fn outgoing(to: &str, v: &View) -> Outgoing {
    Outgoing {
        to: to.to_owned(),
        subject: v.subject.clone(),
        // Rendering plain structs cannot fail; an error would be a template bug.
        html: HtmlPart { v }.render().unwrap_or_default(),
        text: TextPart { v }.render().unwrap_or_default(),
    }
}

fn view(tr: Tr, name: &str, subject: String, base: &str) -> View {
    View {
        lang: tr.lang.tag(),
        dir: tr.lang.dir(),
        subject,
        hello: tr.t1("mail-hello", "name", name.to_owned()),
        intro: None,
        sections: Vec::new(),
        button: tr.t("mail-open-inbox"),
        button_url: format!("{base}/inbox"),
        footer: tr.t("mail-footer"),
        footer_url: format!("{base}/profile"),
    }
}

fn task_item(tr: Tr, task: &Task, base: &str, id: &str) -> Item {
    Item {
        title: task.title.clone(),
        detail: tr.t1(id, "when", tr.when(task.due_at)),
        url: match task.subject {
            Some(r) => format!("{base}{}", record_path(r)),
            None => format!("{base}/follow-ups"),
        },
    }
}

/// The daily digest of `d` with links under `base`.
pub fn digest_mail(d: &Digest, base: &str) -> Outgoing {
    let tr = tr_for(&d.user);
    let subject = tr.t1("mail-digest-subject", "day", tr.day(d.day));
    let mut v = view(tr, &d.user.display_name, subject, base);
    v.intro = Some(tr.t("mail-digest-intro"));
    let count = |n: usize| tr.num(i64::try_from(n).unwrap_or(i64::MAX));
    let lists = [
        ("mail-digest-overdue", &d.overdue, "mail-was-due"),
        ("mail-digest-today", &d.today, "task-due"),
    ];
    for (heading, tasks, detail) in lists {
        if !tasks.is_empty() {
            v.sections.push(Section {
                heading: tr.t1(heading, "count", count(tasks.len())),
                items: tasks
                    .iter()
                    .map(|t| task_item(tr, t, base, detail))
                    .collect(),
            });
        }
    }
    if !d.leads.is_empty() {
        v.sections.push(Section {
            heading: tr.t1("mail-digest-leads", "count", count(d.leads.len())),
            items: d
                .leads
                .iter()
                .map(|l| Item {
                    title: lead_title(&l.lead),
                    detail: match l.breached {
                        true => tr.t1("mail-contact-late", "when", tr.when(l.due_at)),
                        false => tr.t1("inbox-due", "when", tr.when(l.due_at)),
                    },
                    url: format!("{base}{}", record_path(RecordRef::Lead(l.lead.id))),
                })
                .collect(),
        });
    }
    outgoing(&d.user.email, &v)
}

fn lead_title(lead: &sarnakh_core::domain::Lead) -> String {
    let name = lead.fields.person.full_name();
    match &lead.fields.company {
        Some(c) => format!("{name} ({c})"),
        None => name,
    }
}

/// The breach alert of `a` for `to` (the owner or a manager).
pub fn sla_mail(a: &SlaAlert, to: &User, base: &str) -> Outgoing {
    let owner = &a.owner;
    let tr = tr_for(to);
    let title = lead_title(&a.lead);
    let subject = tr.t1("mail-sla-subject", "lead", title.clone());
    let mut v = view(tr, &to.display_name, subject, base);
    v.intro = Some(tr.t2(
        "mail-sla-intro",
        ("lead", title.clone().into()),
        ("when", tr.when(a.due_at).into()),
    ));
    v.sections.push(Section {
        heading: tr.t1("mail-sla-owner", "name", owner.display_name.clone()),
        items: vec![Item {
            title,
            detail: tr.t1("mail-captured", "when", tr.when(a.lead.created_at)),
            url: format!("{base}{}", record_path(RecordRef::Lead(a.lead.id))),
        }],
    });
    v.button = tr.t("mail-open-lead");
    v.button_url = format!("{base}{}", record_path(RecordRef::Lead(a.lead.id)));
    outgoing(&to.email, &v)
}

/// The operator's test mail, in English.
pub fn test_mail(to: &str, base: &str) -> Outgoing {
    let tr = Tr::utc(Lang::En);
    let mut v = view(tr, to, tr.t("mail-test-subject"), base);
    v.intro = Some(tr.t("mail-test-intro"));
    outgoing(to, &v)
}
