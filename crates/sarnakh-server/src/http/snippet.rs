//! The embeddable HTML of a web form and the small pages the public endpoint answers a
//! browser with, in English, Persian (right to left) and Romanian. Everything that comes
//! from data is escaped.

use sarnakh_core::domain::form::{FormField, WebForm};
use sarnakh_core::service::{HONEYPOT_FIELD, SHOWN_AT_FIELD, VISITOR_FIELD};
use std::fmt::Write;

/// A language of the snippet and pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Persian.
    Fa,
    /// Romanian.
    Ro,
}

impl Lang {
    /// `en`, `fa` or `ro`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Self::En),
            "fa" => Some(Self::Fa),
            "ro" => Some(Self::Ro),
            _ => None,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fa => "fa",
            Self::Ro => "ro",
        }
    }

    fn dir(self) -> &'static str {
        if self == Self::Fa { "rtl" } else { "ltr" }
    }

    /// The label of a field.
    pub fn label(self, field: FormField) -> &'static str {
        use FormField as F;
        match (self, field) {
            (Self::En, F::FirstName) => "First name",
            (Self::En, F::LastName) => "Last name",
            (Self::En, F::Email) => "Email",
            (Self::En, F::Phone) => "Phone",
            (Self::En, F::JobTitle) => "Job title",
            (Self::En, F::Company) => "Company",
            (Self::En, F::Country) => "Country (two-letter code)",
            (Self::En, F::CompanySize) => "Number of employees",
            (Self::En, F::Industry) => "Industry",
            (Self::En, F::Need) => "What do you need?",
            (Self::En, F::Notes) => "Message",
            (Self::Fa, F::FirstName) => "نام",
            (Self::Fa, F::LastName) => "نام خانوادگی",
            (Self::Fa, F::Email) => "ایمیل",
            (Self::Fa, F::Phone) => "تلفن",
            (Self::Fa, F::JobTitle) => "سمت",
            (Self::Fa, F::Company) => "شرکت",
            (Self::Fa, F::Country) => "کشور (کد دوحرفی)",
            (Self::Fa, F::CompanySize) => "تعداد کارکنان",
            (Self::Fa, F::Industry) => "صنعت",
            (Self::Fa, F::Need) => "به چه چیزی نیاز دارید؟",
            (Self::Fa, F::Notes) => "پیام",
            (Self::Ro, F::FirstName) => "Prenume",
            (Self::Ro, F::LastName) => "Nume",
            (Self::Ro, F::Email) => "Email",
            (Self::Ro, F::Phone) => "Telefon",
            (Self::Ro, F::JobTitle) => "Funcție",
            (Self::Ro, F::Company) => "Companie",
            (Self::Ro, F::Country) => "Țară (cod din două litere)",
            (Self::Ro, F::CompanySize) => "Număr de angajați",
            (Self::Ro, F::Industry) => "Domeniu de activitate",
            (Self::Ro, F::Need) => "De ce aveți nevoie?",
            (Self::Ro, F::Notes) => "Mesaj",
        }
    }

    fn submit(self) -> &'static str {
        match self {
            Self::En => "Send",
            Self::Fa => "ارسال",
            Self::Ro => "Trimite",
        }
    }

    fn trap(self) -> &'static str {
        match self {
            Self::En => "Leave this field empty",
            Self::Fa => "این فیلد را خالی بگذارید",
            Self::Ro => "Lăsați acest câmp gol",
        }
    }

    /// The default thank-you text.
    pub fn thanks(self) -> &'static str {
        match self {
            Self::En => "Thank you. We will be in touch soon.",
            Self::Fa => "سپاسگزاریم. به‌زودی با شما تماس می‌گیریم.",
            Self::Ro => "Vă mulțumim. Vă vom contacta în curând.",
        }
    }

    /// The heading of the page listing what to correct.
    pub fn fix(self) -> &'static str {
        match self {
            Self::En => "Please correct the form",
            Self::Fa => "لطفاً فرم را اصلاح کنید",
            Self::Ro => "Vă rugăm să corectați formularul",
        }
    }

    /// How to go back to the form.
    pub fn back(self) -> &'static str {
        match self {
            Self::En => "Use your browser's Back button to return to the form.",
            Self::Fa => "با دکمهٔ بازگشت مرورگر به فرم برگردید.",
            Self::Ro => "Folosiți butonul Înapoi al browserului pentru a reveni la formular.",
        }
    }
}

/// Escapes text for HTML content and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A base address given by the user: absolute http(s), without a trailing slash.
pub fn base_url(raw: &str) -> Option<String> {
    let url = url::Url::parse(raw.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(())?;
    url.host_str()?;
    Some(url.as_str().trim_end_matches('/').to_owned())
}

/// The snippet of `form` posting to `base`.
pub fn render(form: &WebForm, lang: Lang, base: &str) -> String {
    let id = format!("sarnakh-form-{}", form.key);
    let mut html = String::new();
    let _ = writeln!(
        html,
        "<form id=\"{}\" action=\"{}/f/{}\" method=\"post\" accept-charset=\"utf-8\" lang=\"{}\" dir=\"{}\">",
        escape(&id),
        escape(base),
        escape(&form.key),
        lang.code(),
        lang.dir()
    );
    for spec in &form.settings.fields {
        let name = spec.field.as_str();
        let kind = match spec.field {
            FormField::Email => "email",
            FormField::Phone => "tel",
            FormField::CompanySize => "number",
            _ => "text",
        };
        let required = if spec.required { " required" } else { "" };
        let mark = if spec.required { " *" } else { "" };
        if matches!(spec.field, FormField::Need | FormField::Notes) {
            let _ = writeln!(
                html,
                "  <p><label>{}{mark}<br><textarea name=\"{name}\" rows=\"4\"{required}></textarea></label></p>",
                escape(lang.label(spec.field))
            );
        } else {
            let _ = writeln!(
                html,
                "  <p><label>{}{mark}<br><input type=\"{kind}\" name=\"{name}\"{required}></label></p>",
                escape(lang.label(spec.field))
            );
        }
    }
    let _ = writeln!(
        html,
        "  <div style=\"position:absolute;left:-10000px\" aria-hidden=\"true\"><label>{}<input type=\"text\" name=\"{HONEYPOT_FIELD}\" tabindex=\"-1\" autocomplete=\"off\"></label></div>",
        escape(lang.trap())
    );
    for hidden in [
        SHOWN_AT_FIELD,
        VISITOR_FIELD,
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "referrer",
        "landing_page",
    ] {
        let _ = writeln!(html, "  <input type=\"hidden\" name=\"{hidden}\">");
    }
    let _ = writeln!(
        html,
        "  <input type=\"hidden\" name=\"_lang\" value=\"{}\">",
        lang.code()
    );
    let _ = writeln!(
        html,
        "  <p><button type=\"submit\">{}</button></p>\n</form>",
        escape(lang.submit())
    );
    let _ = write!(
        html,
        r#"<script>
(function () {{
  var f = document.getElementById("{id}");
  if (!f) return;
  var set = function (n, v) {{ if (v) f.elements[n].value = String(v).slice(0, 2000); }};
  set("{SHOWN_AT_FIELD}", Date.now());
  var q = new URLSearchParams(location.search);
  ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"].forEach(function (n) {{ set(n, q.get(n)); }});
  set("referrer", document.referrer);
  set("landing_page", location.href);
  var m = document.cookie.match(/(?:^|; )sarnakh_vid=([^;]+)/);
  var v = m ? m[1] : (window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));
  if (!m) document.cookie = "sarnakh_vid=" + v + "; path=/; max-age=31536000; SameSite=Lax";
  set("{VISITOR_FIELD}", v);
}})();
</script>
"#,
        id = escape(&id)
    );
    html
}

/// A small page for a browser that posted the form without script.
pub fn page(lang: Lang, title: &str, lines: &[String]) -> String {
    let mut body = String::new();
    for line in lines {
        let _ = write!(body, "<li>{}</li>", escape(line));
    }
    format!(
        "<!doctype html><html lang=\"{}\" dir=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{t}</title></head><body><h1>{t}</h1><ul>{body}</ul><p>{}</p></body></html>",
        lang.code(),
        lang.dir(),
        escape(lang.back()),
        t = escape(title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use sarnakh_core::domain::form::FormDraft;

    fn form(name: &str) -> WebForm {
        let settings = FormDraft {
            name: Some(name.into()),
            fields: vec![
                ("first_name".into(), true),
                ("email".into(), true),
                ("need".into(), false),
            ],
            ..FormDraft::default()
        }
        .validate()
        .expect("valid form");
        WebForm {
            id: sarnakh_core::domain::FormId::new(),
            key: "k3y".into(),
            settings,
            created_by: None,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            version: 1,
        }
    }

    #[test]
    fn the_persian_snippet_is_right_to_left_with_persian_labels() {
        let html = render(&form("x"), Lang::Fa, "https://crm.example.ir");
        assert!(
            html.contains("action=\"https://crm.example.ir/f/k3y\""),
            "{html}"
        );
        assert!(html.contains("dir=\"rtl\"") && html.contains("lang=\"fa\""));
        assert!(html.contains("ایمیل") && html.contains("ارسال"));
        assert!(html.contains("name=\"_hp\"") && html.contains("name=\"_t\""));
        assert!(html.contains("<textarea name=\"need\""));
        assert!(html.contains("type=\"email\" name=\"email\" required"));
    }

    #[test]
    fn text_from_data_is_escaped() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
        let p = page(Lang::Ro, "<b>", &["<img src=x onerror=alert(1)>".into()]);
        assert!(!p.contains("<img") && !p.contains("<b>"), "{p}");
        assert!(p.contains("butonul Înapoi"));
    }

    #[test]
    fn only_web_addresses_are_bases() {
        assert_eq!(
            base_url("https://crm.example.ro/").as_deref(),
            Some("https://crm.example.ro")
        );
        assert_eq!(base_url("javascript:alert(1)"), None);
        assert_eq!(base_url("crm.example.ro"), None);
    }
}
