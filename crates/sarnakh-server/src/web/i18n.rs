//! The interface's languages: English, Persian (right to left) and Romanian. Every text
//! comes from the Fluent files in `locales/` (compiled into the binary), with Fluent's
//! plural rules; templates never hold a sentence.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::OnceLock;
use unic_langid::LanguageIdentifier;

/// A language of the interface.
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
    /// Every language.
    pub const ALL: [Self; 3] = [Self::En, Self::Fa, Self::Ro];

    /// The BCP 47 tag (`en`, `fa`, `ro`).
    pub const fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fa => "fa",
            Self::Ro => "ro",
        }
    }

    /// The language of a tag (`fa-IR` reads as `fa`); `None` when Sarnakh has no such one.
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Self::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// The best language of an `Accept-Language` header, by listed order.
    pub fn from_accept(header: &str) -> Option<Self> {
        header
            .split(',')
            .filter_map(|part| Self::parse(part.split(';').next().unwrap_or("")))
            .next()
    }

    /// `rtl` for Persian, else `ltr`.
    pub const fn dir(self) -> &'static str {
        match self {
            Self::Fa => "rtl",
            _ => "ltr",
        }
    }

    const fn source(self) -> &'static str {
        match self {
            Self::En => include_str!("../../locales/en.ftl"),
            Self::Fa => include_str!("../../locales/fa.ftl"),
            Self::Ro => include_str!("../../locales/ro.ftl"),
        }
    }
}

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static [Bundle; 3] {
    static BUNDLES: OnceLock<[Bundle; 3]> = OnceLock::new();
    BUNDLES.get_or_init(|| Lang::ALL.map(bundle))
}

fn bundle(lang: Lang) -> Bundle {
    let id: LanguageIdentifier = lang.tag().parse().expect("a valid language tag");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    let resource = FluentResource::try_new(lang.source().to_owned())
        .unwrap_or_else(|(_, errors)| panic!("locales/{}.ftl: {errors:?}", lang.tag()));
    bundle
        .add_resource(resource)
        .expect("message ids are unique");
    bundle
}

/// Texts in one language, for a page.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    /// The language.
    pub lang: Lang,
    /// The reader's time zone, for dates.
    pub tz: chrono_tz::Tz,
}

impl Tr {
    /// The text of message `id`.
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The text of message `id` with one named value.
    pub fn t1(&self, id: &str, name: &str, value: impl Into<FluentValue<'static>>) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), value.into());
        self.format(id, Some(&args))
    }

    /// The text of message `id` with two named values.
    pub fn t2(
        &self,
        id: &str,
        a: (&str, FluentValue<'static>),
        b: (&str, FluentValue<'static>),
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(a.0.to_owned(), a.1);
        args.set(b.0.to_owned(), b.1);
        self.format(id, Some(&args))
    }

    /// A change from one value to another (`a → b`; in Persian the arrow points left, the
    /// way the text reads).
    pub fn change(&self, from: &str, to: &str) -> String {
        self.t2(
            "change-from-to",
            ("from", from.to_owned().into()),
            ("to", to.to_owned().into()),
        )
    }

    /// The text of message `id`, or `fallback` when the files have no such message (codes
    /// that come from data, such as a custom event kind).
    pub fn t_or(&self, id: &str, fallback: &str) -> String {
        let bundle = &bundles()[Lang::ALL.iter().position(|l| *l == self.lang).unwrap_or(0)];
        if bundle.has_message(id) {
            self.t(id)
        } else {
            fallback.to_owned()
        }
    }

    /// An instant for people, in their calendar, digits and time zone.
    pub fn when(&self, at: chrono::DateTime<chrono::Utc>) -> String {
        super::format::datetime(self.lang, self.tz, at)
    }

    /// A calendar day in the reader's calendar and digits.
    pub fn day(&self, day: chrono::NaiveDate) -> String {
        super::format::date(self.lang, day)
    }

    /// A whole number in the language's digits and grouping.
    pub fn num(&self, n: impl Into<i64>) -> String {
        super::format::number(self.lang, n.into())
    }

    /// An amount of `minor` units with `exponent` decimals (`1200050`, 2: `12,000.50`).
    pub fn decimal(&self, minor: i64, exponent: u32) -> String {
        super::format::decimal(self.lang, minor, exponent)
    }

    /// Texts in `lang` for a reader in UTC.
    pub const fn utc(lang: Lang) -> Self {
        Self {
            lang,
            tz: chrono_tz::UTC,
        }
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = &bundles()[Lang::ALL.iter().position(|l| *l == self.lang).unwrap_or(0)];
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(id, lang = self.lang.tag(), "missing translation");
            return id.to_owned();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, ?errors, "translation needs other arguments");
        }
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn ids(lang: Lang) -> BTreeSet<String> {
        lang.source()
            .lines()
            .filter(|l| !l.starts_with([' ', '#', '*', '[']) && l.contains(" = "))
            .map(|l| l.split(" = ").next().unwrap_or("").trim().to_owned())
            .collect()
    }

    #[test]
    fn every_language_has_every_message() {
        let en = ids(Lang::En);
        assert!(en.len() > 50, "{} messages", en.len());
        for lang in [Lang::Fa, Lang::Ro] {
            assert_eq!(ids(lang), en, "{} differs from en", lang.tag());
        }
    }

    #[test]
    fn plural_rules_follow_each_language() {
        let en = Tr::utc(Lang::En);
        assert!(en.t1("inbox-lead-count", "count", 1).contains("One lead"));
        assert!(en.t1("inbox-lead-count", "count", 3).contains("leads wait"));
        let ro = Tr::utc(Lang::Ro);
        assert!(
            ro.t1("inbox-lead-count", "count", 3)
                .contains("lead-uri așteaptă")
        );
        assert!(!ro.t1("inbox-lead-count", "count", 3).contains(" de "));
        assert!(
            ro.t1("inbox-lead-count", "count", 25)
                .contains("de lead-uri")
        );
    }

    #[test]
    fn accept_language_picks_the_first_known() {
        assert_eq!(
            Lang::from_accept("de-DE,fa-IR;q=0.8,en;q=0.5"),
            Some(Lang::Fa)
        );
        assert_eq!(Lang::from_accept("de"), None);
        assert_eq!(Lang::Fa.dir(), "rtl");
    }
}
