//! Probable duplicates among leads and contacts: the same email, the same phone, or a
//! similar name at the same company. The policy (allow, warn, block) is data; the match
//! rules and their confidence are here.

use super::ids::{LeadId, RecordRef, TeamId, UserId};
use super::lifecycle::str_enum;
use super::text::match_key;
use crate::error::FieldError;

str_enum!(
    /// What capture does when a new lead looks like an existing person.
    DuplicateAction {
        /// Create it; the pair shows in the duplicates list.
        Allow = "allow",
        /// Create it and name the look-alikes in the answer.
        Warn = "warn",
        /// Refuse it (409) and name the look-alikes; web forms hold it for review instead.
        Block = "block",
    }
);

str_enum!(
    /// Why two records look like one person.
    MatchReason {
        /// The same email address (case-insensitive).
        SameEmail = "same_email",
        /// The same phone number (E.164).
        SamePhone = "same_phone",
        /// A similar name at the same company.
        SimilarName = "similar_name_same_company",
    }
);

/// The duplicate settings in force.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DuplicateSettings {
    /// What capture does.
    #[serde(with = "action_name")]
    pub action: DuplicateAction,
    /// Least name similarity (Jaro-Winkler, 0..1) for two people at one company to match.
    pub name_similarity: f64,
}

mod action_name {
    use super::DuplicateAction;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(a: &DuplicateAction, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(a.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DuplicateAction, D::Error> {
        let raw = String::deserialize(d)?;
        DuplicateAction::parse(&raw).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{raw:?} is not one of: {}",
                DuplicateAction::expected()
            ))
        })
    }
}

impl Default for DuplicateSettings {
    fn default() -> Self {
        Self {
            action: DuplicateAction::Warn,
            name_similarity: 0.92,
        }
    }
}

impl DuplicateSettings {
    /// Checks the bounds.
    pub fn check(&self) -> Result<(), FieldError> {
        if !(0.5..=1.0).contains(&self.name_similarity) {
            return Err(FieldError::new(
                "name_similarity",
                "out_of_range",
                "must be between 0.5 and 1.0",
            ));
        }
        Ok(())
    }
}

/// A person as duplicate detection sees a lead or contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    /// The lead or contact.
    pub record: RecordRef,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: Option<String>,
    /// Email as stored (normalised).
    pub email: Option<String>,
    /// Phone as stored (E.164).
    pub phone: Option<String>,
    /// Company (a contact's account name).
    pub company: Option<String>,
    /// Owner (a contact's account owner), for visibility.
    pub owner_id: Option<UserId>,
    /// Team queue (leads), for visibility.
    pub team_id: Option<TeamId>,
}

impl PersonRecord {
    /// "First Last".
    pub fn name(&self) -> String {
        match &self.last_name {
            Some(last) => format!("{} {last}", self.first_name),
            None => self.first_name.clone(),
        }
    }

    /// The lead, if this is one.
    pub fn lead_id(&self) -> Option<LeadId> {
        match self.record {
            RecordRef::Lead(id) => Some(id),
            _ => None,
        }
    }
}

/// Why `a` and `b` look like one person, and how sure that is (0..1), if they do.
pub fn judge(
    a: &PersonRecord,
    b: &PersonRecord,
    min_similarity: f64,
) -> Option<(MatchReason, f64)> {
    let same = |x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        _ => false,
    };
    if same(&a.email, &b.email) {
        return Some((MatchReason::SameEmail, 0.95));
    }
    if same(&a.phone, &b.phone) {
        return Some((MatchReason::SamePhone, 0.85));
    }
    let company = |p: &PersonRecord| {
        p.company
            .as_deref()
            .map(match_key)
            .filter(|k| !k.is_empty())
    };
    match (company(a), company(b)) {
        (Some(x), Some(y)) if x == y => {
            let similarity = name_similarity(&a.name(), &b.name());
            (similarity >= min_similarity).then_some((
                MatchReason::SimilarName,
                (similarity * 0.9 * 100.0).round() / 100.0,
            ))
        }
        _ => None,
    }
}

/// A record that looks like the one being captured.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateMatch {
    /// The look-alike; `None` when the caller may not see it (its existence still counts).
    pub person: Option<PersonRecord>,
    /// Why.
    pub reason: MatchReason,
    /// How sure, 0..1.
    pub confidence: f64,
}

/// Jaro-Winkler similarity of two names after case, accent and space folding.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    strsim::jaro_winkler(&match_key(a), &match_key(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(first: &str, last: &str, email: Option<&str>, company: Option<&str>) -> PersonRecord {
        PersonRecord {
            record: RecordRef::Lead(LeadId::new()),
            first_name: first.into(),
            last_name: Some(last.into()),
            email: email.map(Into::into),
            phone: None,
            company: company.map(Into::into),
            owner_id: None,
            team_id: None,
        }
    }

    #[test]
    fn email_phone_and_similar_names_at_one_company_match() {
        let a = person(
            "Ioana",
            "Popescu",
            Some("ioana@firma.ro"),
            Some("Firma SRL"),
        );
        let b = person("I.", "Pop", Some("IOANA@firma.ro"), None);
        assert_eq!(
            judge(&a, &b, 0.92).map(|m| m.0),
            Some(MatchReason::SameEmail)
        );
        let mut c = person("Reza", "Ahmadi", None, None);
        let mut d = person("R", "A", None, None);
        c.phone = Some("+989121234567".into());
        d.phone = Some("+989121234567".into());
        assert_eq!(
            judge(&c, &d, 0.92).map(|m| m.0),
            Some(MatchReason::SamePhone)
        );
        let e = person("Ioana", "Popescu", None, Some("firma srl"));
        let f = person("Ioana", "Popesku", None, Some("Firma  SRL"));
        let (reason, confidence) = judge(&e, &f, 0.92).expect("similar at one company");
        assert_eq!(reason, MatchReason::SimilarName);
        assert!(confidence > 0.8 && confidence < 0.9, "{confidence}");
        let g = person("Mihai", "Ionescu", None, Some("Firma SRL"));
        assert_eq!(judge(&e, &g, 0.92), None, "different people at one company");
        let h = person("Ioana", "Popescu", None, Some("Alta SRL"));
        assert_eq!(judge(&e, &h, 0.92), None, "same name, other company");
    }

    #[test]
    fn settings_are_bounded_and_serialise_by_name() {
        let s = DuplicateSettings::default();
        assert!(s.check().is_ok());
        let json = serde_json::to_string(&s).expect("json");
        assert!(json.contains("\"warn\""), "{json}");
        let bad = DuplicateSettings {
            name_similarity: 0.2,
            ..s
        };
        assert_eq!(
            bad.check().map_err(|e| e.field),
            Err("name_similarity".into())
        );
        assert!(
            serde_json::from_str::<DuplicateSettings>(
                r#"{"action":"maybe","name_similarity":0.9}"#
            )
            .is_err()
        );
    }
}

/// Lead fields a merge can take from either side.
pub const MERGE_FIELDS: [&str; 17] = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "company",
    "country",
    "source",
    "campaign",
    "products",
    "notes",
    "company_size",
    "industry",
    "need",
    "decision_role",
    "owner_id",
    "evidence",
];

/// The merged lead's raw values: the survivor's, except where it has none (then the other
/// lead's) and the fields named in `take` (then the other lead's). Products and checklist
/// evidence are united (the survivor's evidence wins on the same item) unless taken.
pub fn merge_drafts(
    survivor: &super::lead::LeadDraft,
    other: &super::lead::LeadDraft,
    take: &[&str],
) -> super::lead::LeadDraft {
    fn pick<T: Clone>(mine: &Option<T>, theirs: &Option<T>, take: bool) -> Option<T> {
        if take || mine.is_none() {
            theirs.clone().or_else(|| mine.clone())
        } else {
            mine.clone()
        }
    }
    let t = |f: &str| take.contains(&f);
    let products = if t("products") {
        other.products.clone()
    } else {
        let mut all = survivor.products.clone();
        all.extend(
            other
                .products
                .iter()
                .filter(|p| !survivor.products.contains(p))
                .cloned(),
        );
        all
    };
    let evidence = if t("evidence") {
        other.evidence.clone()
    } else {
        let mut all = other.evidence.clone();
        all.extend(survivor.evidence.clone());
        all
    };
    super::lead::LeadDraft {
        first_name: pick(&survivor.first_name, &other.first_name, t("first_name")),
        last_name: pick(&survivor.last_name, &other.last_name, t("last_name")),
        email: pick(&survivor.email, &other.email, t("email")),
        phone: pick(&survivor.phone, &other.phone, t("phone")),
        job_title: pick(&survivor.job_title, &other.job_title, t("job_title")),
        company: pick(&survivor.company, &other.company, t("company")),
        country: pick(&survivor.country, &other.country, t("country")),
        source: pick(&survivor.source, &other.source, t("source")),
        campaign: pick(&survivor.campaign, &other.campaign, t("campaign")),
        products,
        notes: pick(&survivor.notes, &other.notes, t("notes")),
        company_size: pick(
            &survivor.company_size,
            &other.company_size,
            t("company_size"),
        ),
        industry: pick(&survivor.industry, &other.industry, t("industry")),
        need: pick(&survivor.need, &other.need, t("need")),
        decision_role: pick(
            &survivor.decision_role,
            &other.decision_role,
            t("decision_role"),
        ),
        owner_id: pick(&survivor.owner_id, &other.owner_id, t("owner_id")),
        evidence,
        visitor_id: None,
    }
}

#[cfg(test)]
mod merge_tests {
    use super::*;
    use crate::domain::lead::LeadDraft;

    #[test]
    fn the_survivor_wins_gaps_are_filled_and_chosen_fields_are_taken() {
        let survivor = LeadDraft {
            first_name: Some("Ioana".into()),
            email: Some("ioana@firma.ro".into()),
            company: Some("Firma".into()),
            products: vec!["CRM".into()],
            evidence: [("budget".to_owned(), "50k".to_owned())].into(),
            ..LeadDraft::default()
        };
        let other = LeadDraft {
            first_name: Some("Ioana Maria".into()),
            phone: Some("+40721234567".into()),
            company: Some("Firma SRL".into()),
            products: vec!["CRM".into(), "Telephony".into()],
            evidence: [
                ("budget".to_owned(), "40k".to_owned()),
                ("timeline".to_owned(), "Q3".to_owned()),
            ]
            .into(),
            ..LeadDraft::default()
        };
        let merged = merge_drafts(&survivor, &other, &["company"]);
        assert_eq!(merged.first_name.as_deref(), Some("Ioana"));
        assert_eq!(
            merged.phone.as_deref(),
            Some("+40721234567"),
            "a gap is filled"
        );
        assert_eq!(
            merged.company.as_deref(),
            Some("Firma SRL"),
            "taken on request"
        );
        assert_eq!(merged.products, ["CRM", "Telephony"]);
        assert_eq!(merged.evidence["budget"], "50k");
        assert_eq!(merged.evidence["timeline"], "Q3");
    }
}
