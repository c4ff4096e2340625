//! What a new demo lead looks like when it arrives: who, from which company and country,
//! through which source and campaign, with which contact channels and interests.

use super::companies::{Company, Country, company};
use super::names::{PersonName, job_title, person, pick, weighted};
use fastrand::Rng;
use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::{LeadSource, UserId};

/// A lead about to be captured, with the facts the demo keeps to work it later.
#[derive(Debug, Clone)]
pub(super) struct Arrival {
    /// The capture input.
    pub draft: LeadDraft,
    /// The person.
    pub name: PersonName,
    /// Where they are.
    pub country: Country,
    /// Where they really work (stated at capture or learnt while qualifying).
    pub company: Company,
    /// Their job title.
    pub title: &'static str,
    /// Their part in a buying decision.
    pub role: &'static str,
    /// How they got in.
    pub source: LeadSource,
}

/// The product catalogue; the first is what most people ask about.
#[rustfmt::skip]
pub(super) const PRODUCTS: &[(&str, u32)] = &[
    ("Sarnakh Team", 50), ("Sarnakh Enterprise", 15), ("Onboarding package", 12),
    ("Telephony add-on", 12), ("Data migration", 6), ("Training workshop", 5),
];

#[rustfmt::skip]
const SOURCES: &[(LeadSource, u32)] = &[
    (LeadSource::WebForm, 24), (LeadSource::ContentDownload, 14), (LeadSource::Webinar, 10),
    (LeadSource::Event, 8), (LeadSource::InboundCall, 9), (LeadSource::ColdOutreach, 12),
    (LeadSource::Referral, 8), (LeadSource::Partner, 5), (LeadSource::Import, 4),
    (LeadSource::Api, 4), (LeadSource::Other, 2),
];

#[rustfmt::skip]
const COUNTRIES: &[(Country, u32)] = &[
    (Country::Ir, 40), (Country::Ro, 35), (Country::Gb, 12), (Country::Us, 13),
];

const NOTES: &[&str] = &[
    "Asked about pricing for about 10 users",
    "Wants a call back after 16:00",
    "Currently evaluating two other CRMs",
    "Asked whether Sarnakh can be self-hosted on their own server",
    "Interested in Persian and Romanian user interface",
    "Came back to the pricing page three times this week",
];

/// The country of the next lead.
pub(super) fn country(rng: &mut Rng) -> Country {
    weighted(rng, COUNTRIES)
}

/// A fresh lead from `country` owned by `owner`.
pub(super) fn arrival(rng: &mut Rng, country: Country, owner: UserId) -> Arrival {
    let locale = country.locale();
    let name = person(rng, locale);
    let company = company(rng, country);
    let source = weighted(rng, SOURCES);
    let (title, role) = job_title(rng, locale);
    let states_company = rng.f64()
        < match source {
            LeadSource::ColdOutreach => 1.0,
            LeadSource::ContentDownload => 0.5,
            LeadSource::InboundCall => 0.4,
            _ => 0.75,
        };
    let (wants_email, wants_phone) = match source {
        LeadSource::InboundCall => (rng.f64() < 0.4, true),
        LeadSource::ColdOutreach | LeadSource::Event => (true, rng.f64() < 0.8),
        _ => (true, rng.f64() < 0.55),
    };
    let email = wants_email.then(|| {
        email(
            rng,
            &name,
            country,
            states_company.then_some(company.domain.as_str()),
        )
    });
    let phone = wants_phone.then(|| phone(rng, country));
    let mut products = vec![weighted(rng, PRODUCTS).to_owned()];
    if rng.f64() < 0.25 {
        let extra = weighted(rng, PRODUCTS).to_owned();
        if extra != products[0] {
            products.push(extra);
        }
    }
    let draft = LeadDraft {
        first_name: Some(name.first.clone()),
        last_name: Some(name.last.clone()),
        email,
        phone,
        job_title: (rng.f64() < 0.5).then(|| title.to_owned()),
        company: states_company.then(|| company.name.to_owned()),
        country: Some(country.code().to_owned()),
        source: Some(source.as_str().to_owned()),
        campaign: campaign(rng, source, country, company.industry),
        products,
        notes: (rng.f64() < 0.2).then(|| pick(rng, NOTES).to_owned()),
        owner_id: Some(owner),
        ..LeadDraft::default()
    };
    Arrival {
        draft,
        name,
        country,
        company,
        title,
        role,
        source,
    }
}

fn email(rng: &mut Rng, n: &PersonName, country: Country, domain: Option<&str>) -> String {
    let (f, l) = (&n.ascii_first, &n.ascii_last);
    match domain {
        Some(domain) => match rng.u8(..10) {
            0..=5 => format!("{f}.{l}@{domain}"),
            6 | 7 => format!("{}.{l}@{domain}", &f[..1]),
            8 => format!("{f}@{domain}"),
            _ => format!("{f}{l}@{domain}"),
        },
        None => {
            let personal = match country {
                Country::Ir => pick(rng, &["gmail.com", "yahoo.com"]),
                Country::Ro => pick(rng, &["gmail.com", "yahoo.com", "yahoo.ro"]),
                Country::Gb => pick(rng, &["gmail.com", "outlook.com", "hotmail.co.uk"]),
                Country::Us => pick(rng, &["gmail.com", "outlook.com", "yahoo.com"]),
            };
            match rng.u8(..3) {
                0 => format!("{f}.{l}{}@{personal}", rng.u8(70..100)),
                1 => format!("{f}{l}@{personal}"),
                _ => format!("{f}_{l}@{personal}"),
            }
        }
    }
}

/// A number that is valid for `country`, written the way people type it.
pub(super) fn phone(rng: &mut Rng, country: Country) -> String {
    let d = |rng: &mut Rng, n: usize| -> String {
        (0..n).map(|_| char::from(b'0' + rng.u8(..10))).collect()
    };
    let style = rng.u8(..3);
    match country {
        Country::Ir if rng.f64() < 0.85 => {
            let p = pick(
                rng,
                &[
                    "912", "913", "915", "919", "935", "936", "937", "938", "939", "901", "902",
                    "921", "922", "990",
                ],
            );
            let (a, b) = (d(rng, 3), d(rng, 4));
            match style {
                0 => format!("0{p} {a} {b}"),
                1 => format!("0{p}{a}{b}"),
                _ => format!("+98 {p} {a} {b}"),
            }
        }
        Country::Ir => format!("021 {}{} {}", rng.u8(2..9), d(rng, 3), d(rng, 4)),
        Country::Ro if rng.f64() < 0.85 => {
            let p = pick(
                rng,
                &[
                    "722", "723", "724", "730", "740", "744", "745", "751", "755", "766", "770",
                    "771", "784", "788",
                ],
            );
            let (a, b) = (d(rng, 3), d(rng, 3));
            match style {
                0 => format!("0{p} {a} {b}"),
                1 => format!("0{p}{a}{b}"),
                _ => format!("+40 {p} {a} {b}"),
            }
        }
        Country::Ro => format!("021 3{} {}", d(rng, 2), d(rng, 4)),
        Country::Gb if rng.f64() < 0.7 => {
            let p = pick(rng, &["7890", "7712", "7801", "7400", "7522", "7968"]);
            let a = d(rng, 6);
            if style == 2 {
                format!("+44 {p} {a}")
            } else {
                format!("0{p} {a}")
            }
        }
        Country::Gb => format!("020 7946 0{}", d(rng, 3)),
        Country::Us => {
            let area = pick(
                rng,
                &[
                    "212", "312", "415", "512", "617", "206", "303", "404", "646", "702",
                ],
            );
            let exchange = format!("{}{}{}", rng.u8(2..10), rng.u8(..10), rng.u8(2..10));
            let line = d(rng, 4);
            match style {
                0 => format!("({area}) {exchange}-{line}"),
                1 => format!("{area}-{exchange}-{line}"),
                _ => format!("+1 {area} {exchange} {line}"),
            }
        }
    }
}

fn campaign(rng: &mut Rng, source: LeadSource, country: Country, industry: &str) -> Option<String> {
    let fa = country == Country::Ir && rng.bool();
    let ro = country == Country::Ro && rng.bool();
    let text = match source {
        LeadSource::WebForm => pick(
            rng,
            &[
                "Pricing page",
                "Free trial sign-up",
                "Contact form",
                "Landing: CRM for small teams",
            ],
        ),
        LeadSource::ContentDownload if fa => "کتاب الکترونیکی: راهنمای قیف فروش",
        LeadSource::ContentDownload if ro => "Ghid: pipeline de vânzări pentru IMM-uri",
        LeadSource::ContentDownload => "E-book: 7 lead qualification mistakes",
        LeadSource::Webinar if fa => "وبینار: مدیریت سرنخ‌های فروش",
        LeadSource::Webinar if ro => "Webinar: Calificarea lead-urilor",
        LeadSource::Webinar => "Webinar: From lead to customer",
        LeadSource::Event => match country {
            Country::Ir => "Tehran Digital Expo",
            Country::Ro => "Bucharest Sales Summit",
            Country::Gb => "London CRM Forum",
            Country::Us => "SaaS Sales Conference Austin",
        },
        LeadSource::ColdOutreach => {
            return Some(format!(
                "Outbound: {} ({})",
                industry.to_lowercase(),
                country.code()
            ));
        }
        LeadSource::Partner => match country {
            Country::Ir => "Partner: Pars Integrators",
            Country::Ro => "Partner: Softline Consulting",
            Country::Gb | Country::Us => "Partner: Bridgewater IT",
        },
        LeadSource::Import => "Import: trade fair visitor list",
        LeadSource::Referral if rng.bool() => "Customer referral programme",
        LeadSource::Referral | LeadSource::InboundCall | LeadSource::Api | LeadSource::Other => {
            return None;
        }
    };
    Some(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sarnakh_core::domain::Phone;

    #[test]
    fn generated_phones_are_valid_for_their_country() {
        let mut rng = Rng::with_seed(3);
        for country in [Country::Ir, Country::Ro, Country::Gb, Country::Us] {
            for _ in 0..500 {
                let raw = phone(&mut rng, country);
                let parsed = Phone::parse(&raw, Some(country.code()));
                assert!(
                    parsed.as_ref().is_ok_and(Phone::is_e164),
                    "{raw} ({}): {parsed:?}",
                    country.code()
                );
            }
        }
    }

    #[test]
    fn generated_leads_validate() {
        let mut rng = Rng::with_seed(5);
        for _ in 0..500 {
            let country = country(&mut rng);
            let a = arrival(&mut rng, country, UserId::new());
            assert!(a.draft.validate().is_ok(), "{:?}", a.draft);
        }
    }
}
