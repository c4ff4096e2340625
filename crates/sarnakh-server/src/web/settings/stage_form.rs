//! The pipeline stage form as posted: its rows (`s{i}.{field}`), the stage list they ask for,
//! and each refused stage's problems put back on its row. No reading or writing here; the
//! page (`stages.rs`) sends the list to the stage service.

use crate::web::Tr;
use sarnakh_core::domain::stage_settings::StageInput;
use sarnakh_core::error::FieldError;
use std::collections::BTreeMap;

/// One row of the form, as stored or as typed.
#[derive(Default, Clone)]
pub struct StageRow {
    pub key: String,
    /// A stored stage (its key is fixed); false for the empty row.
    pub existing: bool,
    /// Won or lost: only the names change.
    pub terminal: bool,
    pub name: String,
    /// The name in the reader's language (read-only view).
    pub label: String,
    pub fa: String,
    pub ro: String,
    pub probability: String,
    pub category: String,
    pub order: String,
    pub retired: bool,
    pub remove: bool,
    pub deals: String,
    /// The row's problems, in the reader's language.
    pub problems: Vec<String>,
}

/// The rows as typed: `s{i}.{field}` for row `i`.
pub fn typed_rows(pairs: &[(String, String)]) -> Vec<StageRow> {
    let mut rows: BTreeMap<usize, StageRow> = BTreeMap::new();
    for (name, value) in pairs {
        let Some((index, field)) = name
            .strip_prefix('s')
            .and_then(|rest| rest.split_once('.'))
            .and_then(|(i, f)| Some((i.parse::<usize>().ok()?, f)))
        else {
            continue;
        };
        if index > sarnakh_core::domain::stage_settings::MAX_STAGES + 1 {
            continue;
        }
        let row = rows.entry(index).or_default();
        let value = value.clone();
        match field {
            "key" => row.key = value,
            "existing" => row.existing = value == "1",
            "terminal" => row.terminal = value == "1",
            "name" => row.name = value,
            "fa" => row.fa = value,
            "ro" => row.ro = value,
            "probability" => row.probability = value,
            "category" => row.category = value,
            "order" => row.order = value,
            "retired" => row.retired = true,
            "remove" => row.remove = true,
            "deals" => row.deals = value,
            _ => {}
        }
    }
    rows.into_values().collect()
}

/// The stage list the rows ask for: rows to remove and the untouched empty row left out,
/// the rest by their place (`order`, then as listed). Also the row index of each input.
pub fn inputs(rows: &[StageRow]) -> (Vec<StageInput>, Vec<usize>) {
    let mut chosen: Vec<(f64, usize)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            !r.remove && (r.existing || !r.key.trim().is_empty() || !r.name.trim().is_empty())
        })
        .map(|(i, r)| (r.order.trim().parse::<f64>().unwrap_or(f64::MAX), i))
        .collect();
    chosen.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let input = chosen
        .iter()
        .map(|(_, i)| {
            let r = &rows[*i];
            let labels = [("fa", &r.fa), ("ro", &r.ro)]
                .into_iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.to_owned(), v.clone()))
                .collect();
            StageInput {
                key: r.key.trim().to_owned(),
                name: r.name.clone(),
                labels,
                // A terminal stage's probability is fixed: the form does not send it.
                probability: match r.probability.trim() {
                    "" => None,
                    p => Some(p.parse::<i64>().unwrap_or(-1)),
                },
                forecast_category: (!r.terminal).then(|| r.category.clone()),
                retired: r.retired,
            }
        })
        .collect();
    (input, chosen.into_iter().map(|(_, i)| i).collect())
}

/// Puts each `stages[i]` problem on its row and returns the others.
pub fn place_problems(
    tr: Tr,
    rows: &mut [StageRow],
    order: &[usize],
    errors: &[FieldError],
) -> Vec<String> {
    let mut other = Vec::new();
    for e in errors {
        let text = tr.t_or(&format!("field-error-{}", e.code), &e.message);
        let row = e
            .field
            .strip_prefix("stages[")
            .and_then(|rest| rest.split_once(']'))
            .and_then(|(i, rest)| Some((order.get(i.parse::<usize>().ok()?)?, rest)));
        match row {
            Some((&r, rest)) => {
                let field = rest.trim_start_matches('.');
                rows[r].problems.push(format!("{field}: {text}"));
            }
            None => other.push(e.message.clone()),
        }
    }
    other
}
