//! Organisations the demo leads work for, per country, with the facts a rep records while
//! qualifying (industry, size), and the needs buyers describe, in their own language.

use super::names::{Locale, ascii, capitalise, pick};
use fastrand::Rng;

/// A country the demo sells into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Country {
    /// Iran.
    Ir,
    /// Romania.
    Ro,
    /// United Kingdom.
    Gb,
    /// United States.
    Us,
}

impl Country {
    /// ISO 3166 alpha-2 code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Ir => "IR",
            Self::Ro => "RO",
            Self::Gb => "GB",
            Self::Us => "US",
        }
    }

    /// The naming tradition of most people there.
    pub fn locale(self) -> Locale {
        match self {
            Self::Ir => Locale::Persian,
            Self::Ro => Locale::Romanian,
            Self::Gb | Self::Us => Locale::English,
        }
    }
}

/// A buyer organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Company {
    /// Name as the lead types it.
    pub name: String,
    /// Email domain.
    pub domain: String,
    /// Industry.
    pub industry: &'static str,
    /// Typical number of employees.
    pub size: i64,
}

/// A well-known company: (name, domain, industry, size).
type Known = (&'static str, &'static str, &'static str, i64);

const fn c(name: &'static str, domain: &'static str, industry: &'static str, size: i64) -> Known {
    (name, domain, industry, size)
}

#[rustfmt::skip]
const IR: &[Known] = &[
    c("شرکت پارس‌نوین", "parsnovin.ir", "Software", 120),
    c("Tehran Steel Co", "tehransteel.com", "Manufacturing", 850),
    c("شرکت آریا تجارت", "ariatejarat.ir", "Wholesale", 45),
    c("Kaveh Pharmed", "kavehpharmed.com", "Pharmaceuticals", 400),
    c("گروه صنعتی سپاهان", "sepahanind.ir", "Manufacturing", 1200),
    c("شرکت دانش‌بنیان رایان‌پرداز", "rayanpardaz.ir", "Software", 60),
    c("Mashhad Food Industries", "mashhadfood.com", "Food & beverage", 300),
    c("فروشگاه‌های زنجیره‌ای نیک‌سان", "niksan.ir", "Retail", 700),
    c("Caspian Logistics", "caspianlogistics.ir", "Logistics", 150),
    c("آموزشگاه زبان آوا", "ava-lang.ir", "Education", 35),
    c("شرکت ساختمانی البرز سازه", "alborzsazeh.ir", "Construction", 220),
    c("Isfahan Polymer", "isfahanpolymer.com", "Chemicals", 180),
    c("کلینیک دندانپزشکی لبخند", "labkhandclinic.ir", "Healthcare", 18),
    c("Persia Travel Group", "persiatravel.ir", "Travel", 55),
    c("شرکت بازرگانی کیان", "kiantrade.ir", "Wholesale", 30),
    c("Ofogh Telecom Services", "ofoghtel.ir", "Telecommunications", 260),
    c("آژانس تبلیغاتی نقش", "naghshad.ir", "Marketing", 22),
    c("Zagros Auto Parts", "zagrosparts.com", "Automotive", 340),
    c("شرکت نرم‌افزاری هامون", "hamoonsoft.ir", "Software", 85),
    c("Golestan Dairy", "golestandairy.ir", "Food & beverage", 500),
    c("املاک پردیس", "pardisestate.ir", "Real estate", 14),
    c("Kish Hotel Group", "kishhotels.ir", "Hospitality", 320),
    c("بیمارستان خصوصی مهر", "mehrhospital.ir", "Healthcare", 650),
    c("Sahand Electric", "sahandelectric.com", "Manufacturing", 210),
    c("شرکت پخش دارویی سینا", "sinadarou.ir", "Pharmaceuticals", 140),
    c("Arvand Shipping", "arvandshipping.ir", "Logistics", 90),
    c("گروه مالی آینده‌نگر", "ayandenegar.ir", "Financial services", 75),
];

#[rustfmt::skip]
const RO: &[Known] = &[
    c("Alfa Distribuție SRL", "alfadistributie.ro", "Wholesale", 60),
    c("Carpatica Logistic SRL", "carpaticalogistic.ro", "Logistics", 140),
    c("Transilvania Software SRL", "transilvaniasoft.ro", "Software", 45),
    c("Dunărea Construct SA", "dunareaconstruct.ro", "Construction", 310),
    c("Bucovina Lactate SRL", "bucovinalactate.ro", "Food & beverage", 220),
    c("MedNova Clinic SRL", "mednova.ro", "Healthcare", 80),
    c("Nord Vest Auto SRL", "nordvestauto.ro", "Automotive", 120),
    c("Prahova Chimica SA", "prahovachimica.ro", "Chemicals", 450),
    c("Ardeal Mobila SRL", "ardealmobila.ro", "Manufacturing", 190),
    c("Delta Turism SRL", "deltaturism.ro", "Travel", 25),
    c("Codru Imobiliare SRL", "codruimobiliare.ro", "Real estate", 12),
    c("Banat Energie SA", "banatenergie.ro", "Energy", 520),
    c("Oltenia Agro SRL", "olteniaagro.ro", "Agriculture", 95),
    c("Cluj Digital Agency SRL", "clujdigital.ro", "Marketing", 30),
    c("Fortis Asigurări SA", "fortisasigurari.ro", "Insurance", 260),
    c("Iași Pharma SRL", "iasipharma.ro", "Pharmaceuticals", 150),
    c("Brașov Textile SA", "brasovtextile.ro", "Manufacturing", 380),
    c("Constanța Port Services SRL", "constantaport.ro", "Logistics", 210),
    c("Maramureș Lemn SRL", "maramureslemn.ro", "Manufacturing", 70),
    c("Timiș Telecom SRL", "timistelecom.ro", "Telecommunications", 110),
    c("EduPlus Academy SRL", "eduplus.ro", "Education", 40),
    c("Sibiu Hotels SRL", "sibiuhotels.ro", "Hospitality", 85),
    c("Mureș Retail SRL", "muresretail.ro", "Retail", 160),
    c("Valea Verde Bio SRL", "valeaverde.ro", "Food & beverage", 35),
];

#[rustfmt::skip]
const GB: &[Known] = &[
    c("Northwind Ltd", "northwind.co.uk", "Wholesale", 75),
    c("Thames Analytics Ltd", "thamesanalytics.co.uk", "Software", 40),
    c("Pennine Engineering Ltd", "pennine-eng.co.uk", "Manufacturing", 260),
    c("Harbour Health Partners", "harbourhealth.co.uk", "Healthcare", 120),
    c("Brightside Lettings", "brightside-lettings.co.uk", "Real estate", 18),
    c("Kestrel Logistics Ltd", "kestrel-logistics.co.uk", "Logistics", 340),
    c("Oakridge Academy Trust", "oakridgeacademy.org.uk", "Education", 210),
    c("Redbrick Marketing Ltd", "redbrickmarketing.co.uk", "Marketing", 25),
    c("Severn Energy plc", "severnenergy.co.uk", "Energy", 900),
    c("Greenway Foods Ltd", "greenwayfoods.co.uk", "Food & beverage", 150),
];

#[rustfmt::skip]
const US: &[Known] = &[
    c("Contoso Manufacturing", "contoso-mfg.com", "Manufacturing", 600),
    c("Bluebird Insurance Group", "bluebirdins.com", "Insurance", 450),
    c("Cedar & Pine Realty", "cedarpinerealty.com", "Real estate", 30),
    c("Summit Dental Partners", "summitdental.com", "Healthcare", 65),
    c("Lakeside Software Inc", "lakesidesw.com", "Software", 130),
    c("Riverbend Logistics", "riverbendlogistics.com", "Logistics", 280),
    c("Maple Street Retail", "maplestreetretail.com", "Retail", 95),
    c("Ironclad Security Inc", "ironcladsec.com", "Security", 55),
    c("Prairie Ag Supply", "prairieag.com", "Agriculture", 70),
    c("Golden Gate Travel", "goldengatetravel.com", "Travel", 20),
];

const NEEDS_FA: &[&str] = &[
    "سرنخ‌های فروش در فایل‌های اکسل گم می‌شوند",
    "پیگیری مشتریان فراموش می‌شود و فرصت‌ها از دست می‌روند",
    "گزارش فروش ماهانه دستی و با تأخیر تهیه می‌شود",
    "تیم فروش دید مشترکی از قیف فروش ندارد",
    "تماس‌های ورودی ثبت نمی‌شوند و معلوم نیست از کدام کمپین آمده‌اند",
];

const NEEDS_RO: &[&str] = &[
    "Lead-urile din formularul de pe site se pierd în e-mail",
    "Nu au o imagine clară asupra pipeline-ului de vânzări",
    "Follow-up-urile sunt uitate, clienții sunt sunați prea târziu",
    "Echipa de vânzări lucrează în Excel și datele se dublează",
    "Vor să măsoare ce campanii aduc clienți",
];

const NEEDS_EN: &[&str] = &[
    "Website leads get lost in a shared inbox",
    "No overview of the sales pipeline or forecast",
    "Follow-ups are forgotten and deals go cold",
    "The sales team works from spreadsheets that never agree",
    "Wants to know which campaigns bring paying customers",
    "Replacing an old CRM that nobody keeps up to date",
];

/// Lines of business: (Persian name prefix, English word, Romanian word, industry).
#[rustfmt::skip]
const SECTORS: &[(&str, &str, &str, &str)] = &[
    ("شرکت نرم‌افزاری", "Software", "Soft", "Software"),
    ("شرکت بازرگانی", "Trading", "Distribuție", "Wholesale"),
    ("صنایع غذایی", "Foods", "Alimentare", "Food & beverage"),
    ("شرکت حمل و نقل", "Logistics", "Logistic", "Logistics"),
    ("شرکت ساختمانی", "Construction", "Construct", "Construction"),
    ("پخش دارویی", "Pharma", "Farm", "Pharmaceuticals"),
    ("گروه صنعتی", "Industries", "Industrial", "Manufacturing"),
    ("آژانس مسافرتی", "Travel", "Turism", "Travel"),
    ("کلینیک", "Health", "Medical", "Healthcare"),
    ("فروشگاه‌های زنجیره‌ای", "Retail", "Comerț", "Retail"),
    ("آموزشگاه", "Academy", "Educațional", "Education"),
    ("مشاور املاک", "Properties", "Imobiliare", "Real estate"),
];

/// Place and brand names companies are called after: (as written, ASCII).
#[rustfmt::skip]
const FA_STEMS: &[(&str, &str)] = &[
    ("پارس", "pars"), ("آریا", "arya"), ("کیان", "kian"), ("سپهر", "sepehr"), ("البرز", "alborz"),
    ("زاگرس", "zagros"), ("آرمان", "arman"), ("مهر", "mehr"), ("سیمرغ", "simorgh"),
    ("هامون", "hamoon"), ("دماوند", "damavand"), ("ارغوان", "arghavan"), ("تابان", "taban"),
    ("رایان", "rayan"), ("نیکان", "nikan"), ("آسمان", "aseman"), ("بهار", "bahar"),
    ("کوثر", "kowsar"),
];
#[rustfmt::skip]
const RO_STEMS: &[&str] = &[
    "Carpați", "Olt", "Siret", "Mureș", "Arieș", "Bistrița", "Ceahlău", "Retezat", "Bucegi",
    "Făgăraș", "Apuseni", "Someș", "Crișana", "Dobrogea", "Vrancea", "Argeș", "Prut", "Tisa",
];
#[rustfmt::skip]
const GB_STEMS: &[&str] = &[
    "Ashford", "Blackwood", "Calder", "Dunmore", "Elmstead", "Fairhaven", "Glenbrook", "Hartley",
    "Ivybridge", "Kingsley", "Langford", "Marlow", "Netherby", "Penrose", "Redcliffe", "Stanmore",
];
#[rustfmt::skip]
const US_STEMS: &[&str] = &[
    "Aspen", "Bayview", "Canyon", "Delta", "Evergreen", "Frontier", "Granite", "Harbor", "Liberty",
    "Meridian", "Pioneer", "Redwood", "Silverline", "Summit", "Westfield", "Yellowstone",
];
const SIZES: &[i64] = &[12, 25, 40, 60, 90, 140, 220, 350, 600, 1200];

/// The well-known companies of `country`.
fn known(country: Country) -> &'static [Known] {
    match country {
        Country::Ir => IR,
        Country::Ro => RO,
        Country::Gb => GB,
        Country::Us => US,
    }
}

/// A company of `country`: one of the well-known ones a fifth of the time (so they come
/// back often and their accounts are reused), otherwise one of hundreds of smaller ones.
pub(super) fn company(rng: &mut Rng, country: Country) -> Company {
    if rng.f64() < 0.2 {
        let (name, domain, industry, size) = pick(rng, known(country));
        return Company {
            name: name.to_owned(),
            domain: domain.to_owned(),
            industry,
            size,
        };
    }
    let s = rng.usize(..SECTORS.len());
    let (fa, en, ro, industry) = SECTORS[s];
    let stems = match country {
        Country::Ir => FA_STEMS.len(),
        Country::Ro => RO_STEMS.len(),
        Country::Gb => GB_STEMS.len(),
        Country::Us => US_STEMS.len(),
    };
    let b = rng.usize(..stems);
    let size = SIZES[(b * 7 + s * 3) % SIZES.len()];
    let (name, domain) = match country {
        Country::Ir if (b + s).is_multiple_of(3) => (
            format!("{} {en}", capitalise(FA_STEMS[b].1)),
            format!("{}{}.com", FA_STEMS[b].1, en.to_lowercase()),
        ),
        Country::Ir => (
            format!("{fa} {}", FA_STEMS[b].0),
            format!("{}{}.ir", FA_STEMS[b].1, en.to_lowercase()),
        ),
        Country::Ro => {
            let form = if size >= 300 { "SA" } else { "SRL" };
            (
                format!("{} {ro} {form}", RO_STEMS[b]),
                format!("{}{}.ro", ascii(RO_STEMS[b]), ascii(ro)),
            )
        }
        Country::Gb => (
            format!("{} {en} Ltd", GB_STEMS[b]),
            format!("{}{}.co.uk", ascii(GB_STEMS[b]), en.to_lowercase()),
        ),
        Country::Us => (
            format!("{} {en} Inc", US_STEMS[b]),
            format!("{}{}.com", ascii(US_STEMS[b]), en.to_lowercase()),
        ),
    };
    Company {
        name,
        domain,
        industry,
        size,
    }
}

/// A need as a rep would write it down after a discovery call.
pub(super) fn need(rng: &mut Rng, locale: Locale) -> &'static str {
    match locale {
        Locale::Persian if rng.bool() => pick(rng, NEEDS_FA),
        Locale::Romanian if rng.bool() => pick(rng, NEEDS_RO),
        _ => pick(rng, NEEDS_EN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sarnakh_core::domain::Email;

    #[test]
    fn every_company_domain_makes_a_valid_address() {
        let mut rng = Rng::with_seed(11);
        for country in [Country::Ir, Country::Ro, Country::Gb, Country::Us] {
            for _ in 0..400 {
                let address = format!("info@{}", company(&mut rng, country).domain);
                assert!(Email::parse(&address).is_ok(), "{address}");
                assert!(address.is_ascii(), "{address}");
            }
        }
    }
}
