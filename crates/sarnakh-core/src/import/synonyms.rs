//! Header names other CRMs and spreadsheets use for Sarnakh fields, in English, Romanian and
//! Persian. Data only: `suggest.rs` normalises both sides (case, accents, spacing, Arabic
//! letter forms) before comparing, so each name is listed once in its usual spelling.

use super::entity::Entity;

/// Pseudo-field for the external id column (`external_id_column`, not under `[columns]`).
pub(crate) const EXTERNAL_ID: &str = "external_id";

/// Names for one field, optionally only for one entity. Earlier entries win.
pub(crate) struct Synonyms {
    pub(crate) field: &'static str,
    pub(crate) only: Option<Entity>,
    pub(crate) names: &'static [&'static str],
}

const fn any(field: &'static str, names: &'static [&'static str]) -> Synonyms {
    Synonyms {
        field,
        only: None,
        names,
    }
}

const fn only(entity: Entity, field: &'static str, names: &'static [&'static str]) -> Synonyms {
    Synonyms {
        field,
        only: Some(entity),
        names,
    }
}

/// Words that name the file's own entity when they lead a header ("Lead Source" in a
/// leads file is the source; "Deal Name" in an opportunities file is the name).
pub(crate) fn own_prefixes(entity: Entity) -> &'static [&'static str] {
    match entity {
        Entity::Leads => &["lead", "prospect"],
        Entity::Accounts => &["account", "company", "organization", "organisation"],
        Entity::Contacts => &["contact", "person"],
        Entity::Opportunities => &["opportunity", "deal"],
        Entity::Activities => &["activity", "task", "event"],
    }
}

// One line per field reads better than rustfmt's one line per name.
#[rustfmt::skip]
pub(crate) const SYNONYMS: &[Synonyms] = &[
    any(EXTERNAL_ID, &[
        "id", "external id", "record id", "key", "uid", "id extern", "cod", "identificator",
        "شناسه", "شناسه خارجی", "شناسه رکورد", "کد",
    ]),
    any("account_external_id", &[
        "account id", "account external id", "company id", "id cont", "id companie",
        "شناسه حساب", "شناسه شرکت",
    ]),
    any("contact_external_id", &["contact id", "contact external id", "id contact", "شناسه مخاطب"]),
    any("lead_external_id", &["lead id", "lead external id", "id lead", "شناسه سرنخ"]),
    any("opportunity_external_id", &[
        "opportunity id", "deal id", "id oportunitate", "شناسه فرصت",
    ]),
    any("email", &[
        "email", "e-mail", "email address", "e-mail address", "mail", "work email",
        "business email", "primary email", "adresă de email", "adresă de e-mail",
        "adresă e-mail", "poștă electronică", "ایمیل", "آدرس ایمیل", "پست الکترونیک",
        "پست الکترونیکی", "رایانامه",
    ]),
    any("first_name", &["first name", "given name", "forename", "prenume", "نام", "نام کوچک"]),
    any("last_name", &[
        "last name", "surname", "family name", "nume", "nume de familie", "نام خانوادگی",
        "فامیلی",
    ]),
    any("phone", &[
        "phone", "phone number", "telephone", "tel", "mobile", "mobile phone", "mobile number",
        "cell", "cell phone", "work phone", "business phone", "telefon", "număr de telefon",
        "nr telefon", "mobil", "تلفن", "شماره تلفن", "شماره تماس", "موبایل", "تلفن همراه",
        "شماره موبایل",
    ]),
    any("job_title", &[
        "job title", "title", "position", "job", "designation", "funcție", "post", "titlu",
        "سمت", "عنوان شغلی", "شغل",
    ]),
    only(Entity::Leads, "company", &[
        "company", "company name", "organization", "organisation", "account name", "account",
        "companie", "compania", "firmă", "societate", "organizație", "nume companie", "شرکت",
        "نام شرکت", "سازمان",
    ]),
    only(Entity::Accounts, "name", &[
        "name", "account name", "company", "company name", "organization", "organisation",
        "companie", "firmă", "societate", "organizație", "nume companie", "denumire", "nume",
        "شرکت", "نام شرکت", "سازمان", "نام",
    ]),
    only(Entity::Opportunities, "name", &[
        "name", "opportunity name", "deal name", "opportunity", "deal", "title",
        "nume oportunitate", "oportunitate", "afacere", "denumire", "nume", "نام فرصت", "فرصت",
        "عنوان", "نام",
    ]),
    any("country", &["country", "country code", "țară", "کشور"]),
    any("source", &[
        "source", "lead source", "origin", "channel", "sursă", "sursă lead", "canal", "منبع",
        "منبع سرنخ", "کانال",
    ]),
    any("campaign", &["campaign", "campaign name", "campanie", "کمپین"]),
    any("products", &["products", "product interest", "products of interest", "produse", "محصولات"]),
    any("product", &["product", "produs", "محصول"]),
    any("notes", &[
        "notes", "note", "description", "comments", "comment", "remarks", "notițe",
        "observații", "descriere", "comentarii", "یادداشت", "توضیحات",
    ]),
    any("company_size", &[
        "company size", "employees", "number of employees", "no of employees", "headcount",
        "employee count", "număr de angajați", "nr angajați", "angajați", "تعداد کارکنان",
        "تعداد کارمندان",
    ]),
    any("industry", &["industry", "sector", "industrie", "domeniu", "صنعت"]),
    any("need", &["need", "pain", "pain point", "nevoie", "نیاز"]),
    any("decision_role", &["decision role", "buying role", "role", "rol", "نقش"]),
    any("amount", &[
        "amount", "value", "deal value", "deal amount", "opportunity amount", "revenue",
        "valoare", "sumă", "مبلغ", "ارزش",
    ]),
    any("currency", &["currency", "currency code", "monedă", "valută", "ارز", "واحد پول"]),
    any("expected_close_date", &[
        "close date", "expected close date", "expected close", "closing date",
        "data închiderii", "data estimată de închidere", "تاریخ بستن",
    ]),
    any("stage", &[
        "stage", "deal stage", "sales stage", "pipeline stage", "opportunity stage", "etapă",
        "stadiu", "fază", "مرحله",
    ]),
    any("status", &["status", "state", "stare", "وضعیت"]),
    any("closed_at", &["closed at", "closed date", "date closed", "actual close date", "تاریخ بسته شدن"]),
    any("loss_reason", &[
        "loss reason", "lost reason", "reason lost", "reason for loss", "motiv pierdere",
        "motivul pierderii", "دلیل شکست", "علت شکست",
    ]),
    any("close_note", &["close note", "closing note", "notă închidere"]),
    any("customer_since", &["customer since", "client since", "client din", "مشتری از"]),
    any("kind", &["type", "activity type", "kind", "tip", "tip activitate", "نوع", "نوع فعالیت"]),
    any("outcome", &["outcome", "result", "call result", "rezultat", "نتیجه"]),
    any("summary", &["subject", "summary", "title", "subiect", "rezumat", "موضوع", "خلاصه", "عنوان"]),
    any("body", &[
        "body", "details", "description", "comments", "detalii", "descriere", "شرح", "توضیحات",
        "متن",
    ]),
    any("occurred_at", &[
        "date", "activity date", "occurred at", "when", "date time", "data", "dată", "تاریخ",
        "زمان",
    ]),
];
