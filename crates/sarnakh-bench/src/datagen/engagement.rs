//! Engagement events of the simulated company (page views, email opens, downloads,
//! webinars, demo requests ...): about ten per lead, more the further the lead went in the
//! funnel, each between the lead's capture and the generator's "now". The same kind and page
//! mix feeds the events scenario, so the generated history and the measured traffic look
//! alike. It only builds rows; writing them is the generator's job.

use super::journey::Tables;
use super::model::{DAY_US, World, at};
use super::rows::LeadRow;
use crate::db::Value;
use fastrand::Rng;

/// Columns of `events` in insert order (migration `20261129000008_events.sql`).
pub const EVENT_COLUMNS: &[&str] = &["id", "lead_id", "kind", "url", "occurred_at", "received_at"];

/// How far a lead went: 0 still a lead, 1 qualified (prospect), 2 converted.
pub type Depth = usize;

/// Event kinds with their weight (percent) at each depth: later leads request demos, meet
/// the team at events and click more; earlier ones mostly browse and open newsletters.
#[rustfmt::skip]
const KINDS: &[(&str, [u32; 3])] = &[
    ("page_view", [46, 42, 38]), ("email_opened", [20, 18, 16]), ("email_clicked", [8, 9, 10]),
    ("content_download", [8, 8, 6]), ("form_submitted", [5, 5, 5]),
    ("webinar_registered", [5, 5, 4]), ("webinar_attended", [3, 4, 4]),
    ("demo_requested", [1, 4, 6]), ("event_met", [2, 3, 5]), ("custom", [2, 2, 6]),
];

const SITE: &str = "https://www.sarnakh.example";
/// The pricing page (the default scoring rules give points for `/pricing`).
pub const PRICING: &str = "https://www.sarnakh.example/pricing";
/// The demo booking page.
pub const DEMO: &str = "https://www.sarnakh.example/demo";
#[rustfmt::skip]
const PAGES: &[&str] = &[
    SITE, "https://www.sarnakh.example/product", "https://www.sarnakh.example/customers",
    "https://www.sarnakh.example/blog/pipeline-hygiene", "https://www.sarnakh.example/blog/lead-scoring",
    "https://www.sarnakh.example/docs/import",
];
const DOWNLOADS: &[&str] = &[
    "https://www.sarnakh.example/ebooks/crm-buyers-guide.pdf",
    "https://www.sarnakh.example/ebooks/pipeline-playbook.pdf",
];
const WEBINAR: &str = "https://www.sarnakh.example/webinars/forecasting";

/// One event's kind and URL (page views, clicks and downloads have one), drawn from the mix
/// at `depth`: pricing pages are 10 % of a lead's page views, 25 % of a customer's.
pub fn kind_and_url(rng: &mut Rng, depth: Depth) -> (&'static str, Option<&'static str>) {
    let depth = depth.min(2);
    let mut roll = rng.u32(..100);
    let mut kind = "custom";
    for (name, weights) in KINDS {
        if roll < weights[depth] {
            kind = *name;
            break;
        }
        roll -= weights[depth];
    }
    (kind, url_of(rng, kind, depth))
}

fn url_of(rng: &mut Rng, kind: &str, depth: Depth) -> Option<&'static str> {
    match kind {
        "page_view" => Some(match rng.u32(..100) {
            r if r < [10, 18, 25][depth] => PRICING,
            r if r < [14, 26, 35][depth] => DEMO,
            _ => PAGES[rng.usize(..PAGES.len())],
        }),
        "email_clicked" => Some(PAGES[rng.usize(1..PAGES.len())]),
        "content_download" => Some(DOWNLOADS[rng.usize(..DOWNLOADS.len())]),
        "webinar_registered" | "webinar_attended" => Some(WEBINAR),
        "demo_requested" | "form_submitted" => Some(DEMO),
        _ => None,
    }
}

/// The event a lead's source implies (a web form was submitted, the e-book downloaded ...).
fn first_kind(source: &str) -> Option<&'static str> {
    match source {
        "web_form" => Some("form_submitted"),
        "content_download" => Some("content_download"),
        "webinar" => Some("webinar_registered"),
        "event" => Some("event_met"),
        _ => None,
    }
}

impl World {
    /// The events of lead number `n` (`lead` is complete: stage, status, last change), drawn
    /// from their own random stream so that the rest of the company does not depend on them.
    /// Ids are `ev-<lead number>-<event number>` in hex, unique and in insert order.
    pub(super) fn events(&mut self, n: u64, lead: &LeadRow, b: &mut Tables) {
        let rng = &mut self.event_rng;
        let depth: Depth = match lead.stage {
            "converted" => 2,
            "prospect" => 1,
            _ => 0,
        };
        let count = match depth {
            0 => rng.usize(0..=16),
            1 => rng.usize(4..=24),
            _ => rng.usize(8..=32),
        };
        let first = lead.created_at.timestamp_micros();
        let last = (self.now_us - 60_000_000).max(first + 1);
        // Most engagement happens while the lead is being worked; some comes much later.
        let active = (lead.updated_at.timestamp_micros() + 30 * DAY_US).clamp(first + 1, last);
        for j in 0..count {
            let (kind, url) = match (j, first_kind(lead.seed.source)) {
                (0, Some(kind)) => (kind, url_of(rng, kind, depth)),
                _ => kind_and_url(rng, depth),
            };
            let end = if rng.f32() < 0.7 { active } else { last };
            let t = rng.i64(first..end);
            let received = (t + rng.i64(1_000_000..300_000_000)).min(self.now_us);
            b.events.push([
                Value::Text(format!("ev-{n:08x}-{j:02x}")),
                Value::Uuid(lead.id),
                Value::Str(kind),
                Value::OptStr(url),
                Value::Time(at(t)),
                Value::Time(at(received)),
            ]);
        }
        self.counts.events += count as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_of_every_depth_adds_up_to_one_hundred_percent() {
        for depth in 0..3 {
            assert_eq!(KINDS.iter().map(|k| k.1[depth]).sum::<u32>(), 100);
        }
    }

    #[test]
    fn page_views_have_a_url_and_customers_see_pricing_more_often() {
        let mut rng = Rng::with_seed(1);
        let pricing = |rng: &mut Rng, depth| {
            (0..20_000)
                .map(|_| kind_and_url(rng, depth))
                .filter(|(kind, url)| {
                    assert!(*kind != "page_view" || url.is_some());
                    *url == Some(PRICING) && *kind == "page_view"
                })
                .count()
        };
        let (early, late) = (pricing(&mut rng, 0), pricing(&mut rng, 2));
        assert!(
            late > early * 3 / 2,
            "pricing views: {early} early, {late} late"
        );
    }
}
