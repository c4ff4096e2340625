//! Word lists and the lead "seed": the fields a person fills in when captured. The same
//! seed feeds the generator (rows written directly), the capture scenario (JSON bodies)
//! and its raw limit loop (the same rows inserted without the application).

use fastrand::Rng;

/// (given name as written, ASCII for the address).
#[rustfmt::skip]
const FIRST: &[(&str, &str)] = &[
    ("علی", "ali"), ("رضا", "reza"), ("مریم", "maryam"), ("سارا", "sara"), ("نیما", "nima"),
    ("لیلا", "leila"), ("کاوه", "kaveh"), ("شیرین", "shirin"), ("Ioana", "ioana"), ("Ștefan", "stefan"),
    ("Andrei", "andrei"), ("Mihaela", "mihaela"), ("Răzvan", "razvan"), ("Elena", "elena"),
    ("Alexandru", "alexandru"), ("Cristina", "cristina"), ("James", "james"), ("Emma", "emma"),
    ("Oliver", "oliver"), ("Sophie", "sophie"), ("Daniel", "daniel"), ("Hannah", "hannah"),
];

/// (family name as written, ASCII).
#[rustfmt::skip]
const LAST: &[(&str, &str)] = &[
    ("کریمی", "karimi"), ("احمدی", "ahmadi"), ("حسینی", "hosseini"), ("رضایی", "rezaei"),
    ("تهرانی", "tehrani"), ("یزدانی", "yazdani"), ("Popescu", "popescu"), ("Ionescu", "ionescu"),
    ("Dumitrescu", "dumitrescu"), ("Stănescu", "stanescu"), ("Constantin", "constantin"),
    ("Țurcanu", "turcanu"), ("Smith", "smith"), ("Taylor", "taylor"), ("Brown", "brown"),
    ("Walker", "walker"), ("Wright", "wright"), ("Clarke", "clarke"),
];

#[rustfmt::skip]
const COMPANY_A: &[&str] = &[
    "Pars", "Carpați", "Delta", "Aria", "Nordic", "Danube", "Alborz", "Transilvania", "Blue",
    "Golden", "Atlas", "Zagros", "Sigma", "Vertex", "Omid", "Dacia",
];

#[rustfmt::skip]
const COMPANY_B: &[&str] = &[
    "Logistics", "Software", "Textiles", "Foods", "Pharma", "Energy", "Consulting", "Motors",
    "Retail", "Telecom", "Bank", "Construct", "Media", "Agro",
];

/// Industries recorded as fit facts.
pub const INDUSTRIES: &[&str] = &[
    "logistics",
    "software",
    "manufacturing",
    "retail",
    "finance",
    "healthcare",
    "energy",
    "agriculture",
];

/// Products sold (opportunity product, products of interest).
pub const PRODUCTS: &[&str] = &[
    "CRM Starter",
    "CRM Pro",
    "Analytics",
    "Onboarding",
    "Support Plus",
    "Integrations",
];

const TITLES: &[&str] = &[
    "CEO",
    "CTO",
    "Head of Sales",
    "Operations Manager",
    "IT Manager",
    "Procurement Lead",
    "Marketing Director",
];
const NEEDS: &[&str] = &[
    "Replace spreadsheets for the sales team",
    "Track deals across three offices",
    "Follow up web leads within a day",
    "Forecast the quarter",
];
const CAMPAIGNS: &[&str] = &[
    "spring-webinar",
    "expo-bucharest",
    "newsletter-q3",
    "ebook-pipeline",
    "partner-push",
];
/// Lead sources with their weights (web forms and content dominate, as in most funnels).
const SOURCES: &[(&str, u32)] = &[
    ("web_form", 30),
    ("content_download", 15),
    ("webinar", 12),
    ("event", 8),
    ("inbound_call", 6),
    ("cold_outreach", 10),
    ("referral", 8),
    ("partner", 5),
    ("import", 3),
    ("api", 2),
    ("other", 1),
];
const ROLES: &[&str] = &[
    "decision_maker",
    "champion",
    "influencer",
    "economic_buyer",
    "technical_evaluator",
    "user",
];

/// What a person fills in when captured, plus the fit facts recorded so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadSeed {
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: Option<String>,
    /// Email, already normalised (lower-case).
    pub email: Option<String>,
    /// Phone in E.164.
    pub phone: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Index of the company in the company pool, when one is given.
    pub company_index: Option<usize>,
    /// Company name.
    pub company: Option<String>,
    /// ISO country.
    pub country: Option<&'static str>,
    /// Source name.
    pub source: &'static str,
    /// Campaign.
    pub campaign: Option<&'static str>,
    /// Products of interest.
    pub products: Vec<String>,
    /// Employees (fit fact).
    pub company_size: Option<i32>,
    /// Industry (fit fact).
    pub industry: Option<&'static str>,
    /// Need (fit fact).
    pub need: Option<&'static str>,
    /// Decision role (fit fact).
    pub decision_role: Option<&'static str>,
}

/// The name of company `index`: "Pars Logistics", then "Pars Logistics 2" ... once the
/// combinations run out.
pub fn company_name(index: usize) -> String {
    let combos = COMPANY_A.len() * COMPANY_B.len();
    let base = format!(
        "{} {}",
        COMPANY_A[index % COMPANY_A.len()],
        COMPANY_B[(index / COMPANY_A.len()) % COMPANY_B.len()]
    );
    match index / combos {
        0 => base,
        n => format!("{base} {}", n + 1),
    }
}

fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.usize(..items.len())]
}

fn source(rng: &mut Rng) -> &'static str {
    let total: u32 = SOURCES.iter().map(|s| s.1).sum();
    let mut roll = rng.u32(..total);
    for (name, weight) in SOURCES {
        if roll < *weight {
            return name;
        }
        roll -= weight;
    }
    "other"
}

/// Up to two distinct products of interest.
fn products(rng: &mut Rng) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for _ in 0..rng.usize(0..3) {
        let p = pick(rng, PRODUCTS);
        if !out.iter().any(|q| q == p) {
            out.push(p.to_owned());
        }
    }
    out
}

/// A fresh lead seed number `n` (`n` makes the address unique). `companies` is the size of
/// the company pool; `qualifiable` records every fit fact needed to qualify and convert.
pub fn lead_seed(rng: &mut Rng, n: u64, companies: usize, qualifiable: bool) -> LeadSeed {
    let (first, first_ascii) = pick(rng, FIRST);
    let (last, last_ascii) = pick(rng, LAST);
    let has_company = qualifiable || rng.f32() < 0.7;
    let company_index = has_company.then(|| rng.usize(..companies.max(1)));
    let company = company_index.map(company_name);
    let domain = company.as_ref().map_or_else(
        || "mail.example".to_owned(),
        |c| {
            format!(
                "{}.example",
                c.to_lowercase()
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>()
            )
        },
    );
    let country = pick(rng, &[Some("RO"), Some("IR"), Some("DE"), None]);
    let phone = match country {
        Some("RO") if rng.f32() < 0.6 => Some(format!("+4072{:07}", rng.u32(..10_000_000))),
        Some("IR") if rng.f32() < 0.6 => Some(format!("+98912{:07}", rng.u32(..10_000_000))),
        Some("DE") if rng.f32() < 0.6 => Some(format!("+49151{:08}", rng.u32(..100_000_000))),
        _ => None,
    };
    let fit = |rng: &mut Rng, p: f32| qualifiable || rng.f32() < p;
    LeadSeed {
        first_name: first.to_owned(),
        last_name: (rng.f32() < 0.95).then(|| last.to_owned()),
        email: (phone.is_none() || rng.f32() < 0.8)
            .then(|| format!("{first_ascii}.{last_ascii}{n}@{domain}")),
        phone,
        job_title: (rng.f32() < 0.6).then(|| pick(rng, TITLES).to_owned()),
        company_index,
        company,
        country,
        source: source(rng),
        campaign: (rng.f32() < 0.4).then(|| pick(rng, CAMPAIGNS)),
        products: products(rng),
        company_size: fit(rng, 0.4).then(|| pick(rng, &[8, 25, 60, 150, 400, 1200])),
        industry: fit(rng, 0.4).then(|| pick(rng, INDUSTRIES)),
        need: fit(rng, 0.2).then(|| pick(rng, NEEDS)),
        decision_role: fit(rng, 0.2).then(|| pick(rng, ROLES)),
    }
}

impl LeadSeed {
    /// The `POST /api/v1/leads` body for this seed.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "first_name": self.first_name, "last_name": self.last_name, "email": self.email,
            "phone": self.phone, "job_title": self.job_title, "company": self.company,
            "country": self.country, "source": self.source, "campaign": self.campaign,
            "products": self.products, "company_size": self.company_size, "industry": self.industry,
            "need": self.need, "decision_role": self.decision_role,
        })
    }
}
