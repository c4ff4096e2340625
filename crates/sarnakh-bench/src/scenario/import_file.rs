//! The import scenario's input: N lead rows from a seeded generator (the same seed, the
//! same rows), written as the CSV another CRM would export plus a mapping that
//! deduplicates by the file's external id, and read again by the raw limit so that both
//! sides store the same rows. Nothing here measures.

use crate::datagen::words::{PRODUCTS, lead_seed};
use anyhow::{Context, Result};
use fastrand::Rng;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The file's header, in column order.
const HEADER: &[&str] = &[
    "Id",
    "First Name",
    "Last Name",
    "Email",
    "Company",
    "Country",
    "Job Title",
    "Industry",
    "Employees",
    "Lead Source",
    "Description",
];

/// The mapping: every column but the id feeds a lead field; the id is the dedupe key.
const MAPPING: &str = r#"entity = "leads"
external_id_column = "Id"
dedupe_by = "external_id"

[columns]
"First Name" = "first_name"
"Last Name" = "last_name"
"Email" = "email"
"Company" = "company"
"Country" = "country"
"Job Title" = "job_title"
"Industry" = "industry"
"Employees" = "company_size"
"Lead Source" = "source"
"Description" = "notes"
"#;

/// One row of the file, as the database stores it once imported.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// The other CRM's id (`L-0000001`).
    pub external_id: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: Option<String>,
    /// Email, lower-case (every row has one, so no row is rejected).
    pub email: String,
    /// Company.
    pub company: Option<String>,
    /// ISO country.
    pub country: Option<&'static str>,
    /// Job title.
    pub job_title: Option<String>,
    /// Industry.
    pub industry: Option<&'static str>,
    /// Employees.
    pub company_size: Option<i32>,
    /// Source name.
    pub source: &'static str,
    /// A two-line note with quotes and a comma, on every 100th row.
    pub notes: Option<String>,
}

/// The rows of the file, in order.
#[derive(Debug)]
pub struct Rows {
    rng: Rng,
    next: u64,
    total: u64,
    companies: usize,
}

/// The `total` rows generated from `seed`.
pub fn rows(seed: u64, total: u64) -> Rows {
    Rows {
        rng: Rng::with_seed(seed.wrapping_mul(131).wrapping_add(3)),
        next: 0,
        total,
        companies: usize::try_from(total / 4).unwrap_or(usize::MAX).max(20),
    }
}

impl Iterator for Rows {
    type Item = ImportRow;

    fn next(&mut self) -> Option<ImportRow> {
        if self.next >= self.total {
            return None;
        }
        let n = self.next + 1;
        self.next = n;
        let s = lead_seed(&mut self.rng, n, self.companies, false);
        let product = PRODUCTS[usize::try_from(n).unwrap_or(0) % PRODUCTS.len()];
        Some(ImportRow {
            external_id: format!("L-{n:07}"),
            email: s.email.unwrap_or_else(|| format!("lead{n}@mail.example")),
            first_name: s.first_name,
            last_name: s.last_name,
            company: s.company,
            country: s.country,
            job_title: s.job_title,
            industry: s.industry,
            company_size: s.company_size,
            source: s.source,
            notes: n.is_multiple_of(100).then(|| {
                format!("Met at the \"Expo\", wants a demo of {product}\nCall after 15:00")
            }),
        })
    }
}

/// The files written for one run.
#[derive(Debug)]
pub struct ImportFiles {
    /// The CSV file.
    pub csv: PathBuf,
    /// The mapping (TOML).
    pub mapping: PathBuf,
    /// Size of the CSV file in bytes.
    pub csv_bytes: u64,
}

/// Writes `leads.csv` (`total` rows from `seed`) and `leads.toml` into `dir`.
pub fn write(dir: &Path, seed: u64, total: u64) -> Result<ImportFiles> {
    let csv = dir.join("leads.csv");
    let mapping = dir.join("leads.toml");
    std::fs::write(&mapping, MAPPING).with_context(|| format!("writing {}", mapping.display()))?;
    let file =
        std::fs::File::create(&csv).with_context(|| format!("creating {}", csv.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    writeln!(out, "{}", HEADER.join(","))?;
    for r in rows(seed, total) {
        let size = r.company_size.map(|s| s.to_string());
        let cells = [
            Some(r.external_id.as_str()),
            Some(r.first_name.as_str()),
            r.last_name.as_deref(),
            Some(r.email.as_str()),
            r.company.as_deref(),
            r.country,
            r.job_title.as_deref(),
            r.industry,
            size.as_deref(),
            Some(r.source),
            r.notes.as_deref(),
        ];
        for (i, cell) in cells.into_iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            write_cell(&mut out, cell.unwrap_or(""))?;
        }
        out.write_all(b"\n")?;
    }
    out.into_inner()
        .map_err(|e| e.into_error())
        .and_then(|f| f.sync_all())
        .with_context(|| format!("writing {}", csv.display()))?;
    let csv_bytes = std::fs::metadata(&csv)?.len();
    Ok(ImportFiles {
        csv,
        mapping,
        csv_bytes,
    })
}

/// One cell, quoted (quotes written twice) when it holds a comma, a quote or a line break.
fn write_cell(out: &mut impl Write, cell: &str) -> std::io::Result<()> {
    if cell.contains([',', '"', '\n', '\r']) {
        write!(out, "\"{}\"", cell.replace('"', "\"\""))
    } else {
        out.write_all(cell.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_reproducible_and_every_hundredth_has_a_two_line_note() {
        let a: Vec<ImportRow> = rows(7, 300).collect();
        let b: Vec<ImportRow> = rows(7, 300).collect();
        assert_eq!(a.len(), 300);
        assert!(a.iter().zip(&b).all(|(x, y)| x.email == y.email));
        let noted: Vec<&ImportRow> = a.iter().filter(|r| r.notes.is_some()).collect();
        assert_eq!(noted.len(), 3);
        assert_eq!(noted[0].external_id, "L-0000100");
    }

    #[test]
    fn cells_with_quotes_commas_or_line_breaks_are_quoted() {
        let mut out = Vec::new();
        write_cell(&mut out, "a \"b\", c\nd").expect("a vec takes bytes");
        assert_eq!(out, b"\"a \"\"b\"\", c\nd\"");
        out.clear();
        write_cell(&mut out, "Pars Logistics").expect("a vec takes bytes");
        assert_eq!(out, b"Pars Logistics");
    }
}
