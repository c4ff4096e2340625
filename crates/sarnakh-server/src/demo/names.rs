//! People for the demo data: Persian, Romanian and English given and family names with
//! ASCII spellings for email addresses, and job titles in each language.

use fastrand::Rng;

/// Which naming tradition a demo person comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Locale {
    /// Persian names.
    Persian,
    /// Romanian names.
    Romanian,
    /// English names.
    English,
}

/// A generated person: names as written, plus ASCII forms for addresses.
#[derive(Debug, Clone)]
pub(super) struct PersonName {
    /// Given name as shown.
    pub first: String,
    /// Family name as shown.
    pub last: String,
    /// Given name, lower-case ASCII.
    pub ascii_first: String,
    /// Family name, lower-case ASCII.
    pub ascii_last: String,
}

impl PersonName {
    /// "First Last".
    pub fn full(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
}

/// Persian given names: (Persian script, transliteration).
#[rustfmt::skip]
const FA_FIRST: &[(&str, &str)] = &[
    ("علی", "ali"), ("رضا", "reza"), ("محمد", "mohammad"), ("حسین", "hossein"), ("مهدی", "mehdi"),
    ("امیر", "amir"), ("سعید", "saeed"), ("حمید", "hamid"), ("بهرام", "bahram"), ("کاوه", "kaveh"),
    ("آرش", "arash"), ("بابک", "babak"), ("پویا", "pouya"), ("فرهاد", "farhad"), ("مجید", "majid"),
    ("نیما", "nima"), ("مریم", "maryam"), ("زهرا", "zahra"), ("فاطمه", "fatemeh"), ("سارا", "sara"),
    ("نگار", "negar"), ("شیرین", "shirin"), ("لیلا", "leila"), ("مینا", "mina"),
    ("نازنین", "nazanin"), ("پریسا", "parisa"), ("الهام", "elham"), ("نیلوفر", "niloufar"),
    ("سمیرا", "samira"), ("آزاده", "azadeh"),
];

/// Persian family names: (Persian script, transliteration).
#[rustfmt::skip]
const FA_LAST: &[(&str, &str)] = &[
    ("کریمی", "karimi"), ("احمدی", "ahmadi"), ("حسینی", "hosseini"), ("رضایی", "rezaei"),
    ("محمدی", "mohammadi"), ("موسوی", "mousavi"), ("جعفری", "jafari"), ("رحیمی", "rahimi"),
    ("کاظمی", "kazemi"), ("صادقی", "sadeghi"), ("نوری", "nouri"), ("تهرانی", "tehrani"),
    ("شریفی", "sharifi"), ("قاسمی", "ghasemi"), ("یزدانی", "yazdani"), ("فراهانی", "farahani"),
    ("اکبری", "akbari"), ("باقری", "bagheri"), ("نجفی", "najafi"), ("عباسی", "abbasi"),
];

#[rustfmt::skip]
const RO_FIRST: &[&str] = &[
    "Ioana", "Maria", "Elena", "Andreea", "Mihaela", "Alexandra", "Cristina", "Raluca", "Ana",
    "Irina", "Simona", "Oana", "Andrei", "Alexandru", "Mihai", "Ștefan", "Răzvan", "Bogdan",
    "Cătălin", "Vlad", "Radu", "Gabriel", "Ion", "Florin", "Tudor", "Sorin",
];

#[rustfmt::skip]
const RO_LAST: &[&str] = &[
    "Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Rusu", "Munteanu",
    "Matei", "Constantin", "Șerban", "Moldovan", "Lungu", "Nistor", "Diaconu", "Toma", "Dinu",
    "Marin", "Vasilescu", "Căpraru", "Țurcanu", "Bălan", "Preda",
];

#[rustfmt::skip]
const EN_FIRST: &[&str] = &[
    "James", "Oliver", "Emma", "Sophie", "Daniel", "Thomas", "Charlotte", "Emily", "Jack", "Harry",
    "Olivia", "Grace", "Michael", "Sarah", "David", "Laura", "Ryan", "Megan", "Chloe", "Ethan",
];

#[rustfmt::skip]
const EN_LAST: &[&str] = &[
    "Harper", "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Evans", "Walker", "Wright",
    "Hughes", "Green", "Hall", "Baker", "Turner", "Murphy", "Clarke", "Mitchell", "Bennett",
    "Parker", "Reed",
];

/// Job titles with the buyer role such a person usually plays.
#[rustfmt::skip]
const FA_TITLES: &[(&str, &str)] = &[
    ("مدیرعامل", "decision_maker"), ("مدیر فروش", "champion"), ("مدیر بازاریابی", "influencer"),
    ("کارشناس فروش", "user"), ("مدیر مالی", "economic_buyer"),
    ("مدیر فناوری اطلاعات", "technical_evaluator"),
];
#[rustfmt::skip]
const RO_TITLES: &[(&str, &str)] = &[
    ("Director general", "decision_maker"), ("Director vânzări", "champion"),
    ("Director marketing", "influencer"), ("Agent vânzări", "user"),
    ("Director financiar", "economic_buyer"), ("Manager IT", "technical_evaluator"),
];
#[rustfmt::skip]
const EN_TITLES: &[(&str, &str)] = &[
    ("CEO", "decision_maker"), ("Head of Sales", "champion"), ("Marketing Manager", "influencer"),
    ("Account Executive", "user"), ("Finance Director", "economic_buyer"),
    ("IT Manager", "technical_evaluator"), ("Founder", "decision_maker"),
    ("Sales Operations Lead", "champion"),
];

/// A random person of `locale`. Persian people are written in Persian script most of the
/// time and in Latin letters otherwise, as they appear in real form submissions.
pub(super) fn person(rng: &mut Rng, locale: Locale) -> PersonName {
    match locale {
        Locale::Persian => {
            let (first, ascii_first) = pick(rng, FA_FIRST);
            let (last, ascii_last) = pick(rng, FA_LAST);
            let latin = rng.f64() < 0.35;
            PersonName {
                first: if latin {
                    capitalise(ascii_first)
                } else {
                    first.to_owned()
                },
                last: if latin {
                    capitalise(ascii_last)
                } else {
                    last.to_owned()
                },
                ascii_first: ascii_first.to_owned(),
                ascii_last: ascii_last.to_owned(),
            }
        }
        Locale::Romanian => latin_person(pick(rng, RO_FIRST), pick(rng, RO_LAST)),
        Locale::English => latin_person(pick(rng, EN_FIRST), pick(rng, EN_LAST)),
    }
}

/// A job title for `locale` and the buyer role that goes with it.
pub(super) fn job_title(rng: &mut Rng, locale: Locale) -> (&'static str, &'static str) {
    match locale {
        Locale::Persian => pick(rng, FA_TITLES),
        Locale::Romanian => pick(rng, RO_TITLES),
        Locale::English => pick(rng, EN_TITLES),
    }
}

fn latin_person(first: &str, last: &str) -> PersonName {
    PersonName {
        first: first.to_owned(),
        last: last.to_owned(),
        ascii_first: ascii(first),
        ascii_last: ascii(last),
    }
}

/// Lower-case ASCII spelling of a Latin-script name ("Ștefan" -> "stefan").
pub(super) fn ascii(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'ă' | 'â' | 'Ă' | 'Â' => Some('a'),
            'î' | 'Î' => Some('i'),
            'ș' | 'ş' | 'Ș' | 'Ş' => Some('s'),
            'ț' | 'ţ' | 'Ț' | 'Ţ' => Some('t'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// The word with its first letter upper-case.
pub(super) fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// A uniformly chosen element of a non-empty catalogue.
pub(super) fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.usize(..items.len())]
}

/// An element chosen with the given relative weights (non-empty, positive total).
pub(super) fn weighted<T: Copy>(rng: &mut Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.u32(..total.max(1));
    for (item, weight) in items {
        if roll < *weight {
            return *item;
        }
        roll -= weight;
    }
    items.last().expect("weighted catalogues are non-empty").0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanian_diacritics_become_ascii() {
        assert_eq!(ascii("Ștefan"), "stefan");
        assert_eq!(ascii("Căpraru"), "capraru");
        assert_eq!(ascii("Țurcanu"), "turcanu");
    }

    #[test]
    fn weights_are_respected() {
        let mut rng = Rng::with_seed(1);
        let picks: Vec<u8> = (0..100)
            .map(|_| weighted(&mut rng, &[(1, 0), (2, 5)]))
            .collect();
        assert!(picks.iter().all(|p| *p == 2));
    }
}
