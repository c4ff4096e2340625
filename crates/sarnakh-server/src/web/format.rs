//! Dates and numbers for people, through ICU4X: Persian in the Solar Hijri calendar with
//! Persian digits, Romanian and English in their own patterns, in the user's time zone.

use super::i18n::Lang;
use chrono::{DateTime, Datelike, Timelike, Utc};
use icu::datetime::DateTimeFormatter;
use icu::datetime::fieldsets::{YMD, YMDT};
use icu::datetime::input::{Date, DateTime as IcuDateTime, Time};
use icu::datetime::options::TimePrecision;
use icu::decimal::DecimalFormatter;
use icu::decimal::input::Decimal;
use icu::locale::Locale;
use std::sync::OnceLock;

struct Formats {
    datetime: DateTimeFormatter<YMDT>,
    date: DateTimeFormatter<YMD>,
    number: DecimalFormatter,
}

fn locale(lang: Lang) -> Locale {
    let tag = match lang {
        Lang::En => "en",
        Lang::Fa => "fa-IR-u-ca-persian",
        Lang::Ro => "ro-RO",
    };
    tag.parse().expect("a valid locale")
}

fn formats(lang: Lang) -> &'static Formats {
    static ALL: OnceLock<Vec<Formats>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        Lang::ALL
            .iter()
            .map(|l| {
                let loc = locale(*l);
                Formats {
                    datetime: DateTimeFormatter::try_new(
                        loc.clone().into(),
                        YMDT::medium().with_time_precision(TimePrecision::Minute),
                    )
                    .expect("compiled data has every language"),
                    date: DateTimeFormatter::try_new(loc.clone().into(), YMD::medium())
                        .expect("compiled data has every language"),
                    number: DecimalFormatter::try_new(loc.into(), Default::default())
                        .expect("compiled data has every language"),
                }
            })
            .collect()
    });
    let i = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    &all[i]
}

/// `at` in the time zone `tz`, formatted for `lang`.
pub fn datetime(lang: Lang, tz: chrono_tz::Tz, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&tz);
    let month = u8::try_from(local.month()).unwrap_or(1);
    let day = u8::try_from(local.day()).unwrap_or(1);
    let (Ok(date), Ok(time)) = (
        Date::try_new_iso(local.year(), month, day),
        Time::try_new(
            u8::try_from(local.hour()).unwrap_or(0),
            u8::try_from(local.minute()).unwrap_or(0),
            0,
            0,
        ),
    ) else {
        return at.to_rfc3339();
    };
    let input = IcuDateTime { date, time };
    formats(lang).datetime.format(&input).to_string()
}

/// A calendar day, formatted for `lang` (Persian: the Solar Hijri day).
pub fn date(lang: Lang, day: chrono::NaiveDate) -> String {
    let month = u8::try_from(day.month()).unwrap_or(1);
    let d = u8::try_from(day.day()).unwrap_or(1);
    match Date::try_new_iso(day.year(), month, d) {
        Ok(date) => formats(lang).date.format(&date).to_string(),
        Err(_) => day.to_string(),
    }
}

/// A whole number with the language's digits and grouping.
pub fn number(lang: Lang, n: i64) -> String {
    formats(lang).number.format(&Decimal::from(n)).to_string()
}

/// `minor` units with `exponent` decimals, every decimal shown (`12,000.50`).
pub fn decimal(lang: Lang, minor: i64, exponent: u32) -> String {
    let mut d = Decimal::from(minor);
    let places = i16::try_from(exponent).unwrap_or(0);
    d.multiply_pow10(-places);
    d.absolute.pad_end(-places);
    formats(lang).number.format(&d).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 21, 8, 30, 0)
            .single()
            .expect("a date")
    }

    #[test]
    fn days_follow_the_calendar_of_the_language() {
        let nowruz = chrono::NaiveDate::from_ymd_opt(2026, 3, 21).expect("a day");
        assert!(
            date(Lang::Fa, nowruz).contains("۱۴۰۵"),
            "{}",
            date(Lang::Fa, nowruz)
        );
        assert!(
            date(Lang::En, nowruz).contains("2026"),
            "{}",
            date(Lang::En, nowruz)
        );
        assert!(
            !date(Lang::Ro, nowruz).contains("Mar "),
            "{}",
            date(Lang::Ro, nowruz)
        );
    }

    #[test]
    fn persian_dates_are_solar_hijri_with_persian_digits() {
        let text = datetime(Lang::Fa, chrono_tz::Asia::Tehran, at());
        // 2026-03-21 is 1 Farvardin 1405; 08:30 UTC is 12:00 in Tehran.
        assert!(text.contains("۱۴۰۵"), "{text}");
        assert!(text.contains("۱۲:۰۰"), "{text}");
        assert!(!text.chars().any(|c| c.is_ascii_digit()), "{text}");
    }

    #[test]
    fn romanian_and_english_dates_use_their_own_patterns() {
        let ro = datetime(Lang::Ro, chrono_tz::Europe::Bucharest, at());
        assert!(ro.contains("2026") && ro.contains("10:30"), "{ro}");
        let en = datetime(Lang::En, chrono_tz::UTC, at());
        assert!(en.contains("Mar") && en.contains("2026"), "{en}");
        assert!(
            en.contains("8:30") && !en.contains("8:30:00"),
            "minutes, no seconds: {en}"
        );
        assert_ne!(ro, en);
    }

    #[test]
    fn numbers_use_each_language_digits_and_grouping() {
        assert_eq!(number(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(number(Lang::Ro, 1_234_567), "1.234.567");
        let fa = number(Lang::Fa, 1_234_567);
        assert!(fa.starts_with('۱') && fa.ends_with('۷'), "{fa}");
        assert_eq!(decimal(Lang::En, 1_200_050, 2), "12,000.50");
        assert_eq!(decimal(Lang::Ro, 1_200_000, 2), "12.000,00");
        assert_eq!(decimal(Lang::En, 5, 0), "5");
    }
}
