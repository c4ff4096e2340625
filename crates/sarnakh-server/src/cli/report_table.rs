//! Plain text tables and CSV for the console reports: aligned columns with a title, or
//! RFC 4180 CSV with formula-looking cells neutralised (a spreadsheet must not run them).

use sarnakh_core::export::neutralise_formula;

/// A titled table of text cells.
pub struct Table {
    /// Shown above the table.
    pub title: String,
    /// Column names.
    pub header: Vec<String>,
    /// Cells, one vector per row.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table from a title, column names and rows.
    pub fn new(title: &str, header: &[&str], rows: Vec<Vec<String>>) -> Self {
        Self {
            title: title.to_owned(),
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows,
        }
    }

    /// The table as aligned text (numbers right-aligned).
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| {
                    if looks_numeric(c) {
                        format!("{c:>w$}")
                    } else {
                        format!("{c:<w$}")
                    }
                })
                .collect();
            padded.join("  ").trim_end().to_owned()
        };
        let mut out = format!("{}\n{}\n", self.title, line(&self.header));
        if self.rows.is_empty() {
            out.push_str("(none)\n");
        }
        for row in &self.rows {
            out.push_str(&line(row));
            out.push('\n');
        }
        out
    }
}

fn looks_numeric(cell: &str) -> bool {
    !cell.is_empty()
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '%' | '-'))
        && cell.chars().any(|c| c.is_ascii_digit())
}

/// A fraction as a percentage with one decimal, `-` when undefined.
pub fn pct(rate: Option<f64>) -> String {
    rate.map_or_else(|| "-".into(), |r| format!("{:.1}%", r * 100.0))
}

/// Prints the tables one after the other.
pub fn print_tables(tables: &[Table]) {
    let text: Vec<String> = tables.iter().map(Table::render).collect();
    print!("{}", text.join("\n"));
}

/// One CSV field, quoted when needed; the table's `-` (undefined) is an empty field.
fn csv_field(cell: &str) -> String {
    if cell == "-" {
        return String::new();
    }
    let cell = neutralise_formula(cell);
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.into_owned()
    }
}

/// Prints a table as CSV (header row first).
pub fn print_csv(table: &Table) {
    for row in std::iter::once(&table.header).chain(&table.rows) {
        let cells: Vec<String> = row.iter().map(|c| csv_field(c)).collect();
        println!("{}", cells.join(","));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_and_csv_quotes_and_neutralises() {
        let t = Table::new(
            "t",
            &["name", "n"],
            vec![
                vec!["a,b".into(), "10".into()],
                vec!["=1+1".into(), "7".into()],
            ],
        );
        assert_eq!(t.render(), "t\nname  n\na,b   10\n=1+1   7\n");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("-"), "");
        assert_ne!(csv_field("=1+1"), "=1+1");
        assert_eq!(pct(Some(0.5)), "50.0%");
    }
}
