//! `sarnakh import ENTITY FILE.csv --mapping MAP` (and `--suggest-mapping`): import another
//! CRM's CSV export. Rows stream in batches, each committed with the run's progress, so a
//! killed import resumes where it stopped when run again with the same file and mapping;
//! rejected rows go to an error CSV with their row and line numbers and reasons.

use anyhow::{Context, bail};
use clap::Args;
use sarnakh_core::import::{
    Entity, ImportReader, ImportTally, Mapping, ReaderOptions, RejectWriter, suggest_mapping,
};
use sarnakh_core::service::{Actor, DEFAULT_BATCH, ImportSource, Services};
use sarnakh_core::store::Store;
use sha2::{Digest, Sha256};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A reader that counts the bytes read through it, for the progress bar.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// `[#########           ]  45.2 %  452000 rows, 12 rejected`, by bytes of the file read.
fn progress_line(read: u64, size: u64, t: &ImportTally) -> String {
    const WIDTH: u64 = 30;
    let done = (read.min(size) * WIDTH).checked_div(size).unwrap_or(WIDTH);
    let percent = if size == 0 {
        100.0
    } else {
        read.min(size) as f64 * 100.0 / size as f64
    };
    let bar: String = (0..WIDTH)
        .map(|i| if i < done { '#' } else { ' ' })
        .collect();
    format!(
        "[{bar}] {percent:5.1} %  {} rows, {} rejected",
        t.read, t.rejected
    )
}

/// Options of `sarnakh import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds: leads, accounts, contacts, opportunities or activities. Import
    /// accounts before the contacts and opportunities that name them.
    pub entity: String,
    /// The CSV file.
    pub file: PathBuf,
    /// The mapping file (TOML or JSON; see docs/IMPORT.md).
    #[arg(long, required_unless_present = "suggest_mapping")]
    pub mapping: Option<PathBuf>,
    /// Print a mapping proposed from the file's header, and import nothing.
    #[arg(long)]
    pub suggest_mapping: bool,
    /// Where to write the rejected rows (default: FILE.errors.csv next to the file).
    #[arg(long)]
    pub errors: Option<PathBuf>,
    /// Rows committed together.
    #[arg(long, default_value_t = DEFAULT_BATCH)]
    pub batch_size: usize,
}

/// Runs `sarnakh import`.
pub async fn run(store: Arc<dyn Store>, args: ImportArgs) -> anyhow::Result<()> {
    let entity = Entity::parse(&args.entity).with_context(|| {
        format!(
            "{:?} is not one of: leads, accounts, contacts, opportunities, activities",
            args.entity
        )
    })?;
    let open = || {
        std::fs::File::open(&args.file)
            .with_context(|| format!("could not open {}", args.file.display()))
    };
    if args.suggest_mapping {
        let reader = ImportReader::new(open()?, ReaderOptions::default())?;
        let suggestion = suggest_mapping(entity, reader.header());
        print!("{}", suggestion.to_toml());
        if !suggestion.unmapped.is_empty() {
            eprintln!(
                "not mapped (edit the file to add them): {}",
                suggestion.unmapped.join(", ")
            );
        }
        return Ok(());
    }
    let mapping_path = args.mapping.as_deref().context("--mapping is required")?;
    let mapping_text = std::fs::read_to_string(mapping_path)
        .with_context(|| format!("could not read {}", mapping_path.display()))?;
    let mapping = Mapping::parse(&mapping_text).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| format!("  {}: {}", e.field, e.message))
            .collect();
        anyhow::anyhow!(
            "{} is not a valid mapping:\n{}",
            mapping_path.display(),
            lines.join("\n")
        )
    })?;
    let options = mapping
        .reader_options()
        .map_err(|e| anyhow::anyhow!("mapping: {}", e[0].message))?;
    let digest = digest(open()?, &mapping_text)?;
    let size = std::fs::metadata(&args.file).map_or(0, |m| m.len());
    let consumed = Arc::new(AtomicU64::new(0));
    let counted = Counting {
        inner: open()?,
        read: consumed.clone(),
    };
    let mut reader = ImportReader::new(counted, options)?;
    let header = reader.header().to_vec();
    let bound = mapping.bind(&header).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| format!("  {}: {}", e.field, e.message))
            .collect();
        anyhow::anyhow!(
            "the mapping does not fit {}:\n{}",
            args.file.display(),
            lines.join("\n")
        )
    })?;
    if bound.entity() != entity {
        bail!(
            "{} is a mapping for {}, not {entity}",
            mapping_path.display(),
            bound.entity()
        );
    }
    let source = ImportSource {
        file_name: args.file.display().to_string(),
        digest,
    };
    let tty = std::io::stderr().is_terminal();
    let mut progress = |t: &ImportTally| {
        if tty {
            eprint!(
                "\r{}",
                progress_line(consumed.load(Ordering::Relaxed), size, t)
            );
            let _ = std::io::stderr().flush();
        }
    };
    let outcome = Services::new(store)
        .import(
            &Actor::SYSTEM,
            &mut reader,
            &bound,
            &source,
            args.batch_size,
            &mut progress,
        )
        .await
        .map_err(super::explain)?;
    if tty {
        eprintln!();
    }
    let t = outcome.run.tally;
    if outcome.resumed_after > 0 {
        println!(
            "resumed after row {} of an interrupted import of this file",
            outcome.resumed_after
        );
    }
    println!(
        "{} rows read: {} created, {} updated, {} unchanged, {} rejected",
        t.read, t.created, t.updated, t.unchanged, t.rejected
    );
    if !t.invariant_holds() {
        bail!("the counts do not add up; please report this");
    }
    if !outcome.rejected.is_empty() {
        let path = args
            .errors
            .clone()
            .unwrap_or_else(|| errors_path(&args.file));
        let file = std::fs::File::create(&path)
            .with_context(|| format!("could not create {}", path.display()))?;
        let mut writer = RejectWriter::new(std::io::BufWriter::new(file), &header)?;
        for rejected in &outcome.rejected {
            writer.write(rejected)?;
        }
        writer.finish()?.flush()?;
        println!(
            "the {} rejected rows, with their row and line numbers and reasons, are in {}",
            outcome.rejected.len(),
            path.display()
        );
    }
    Ok(())
}

/// SHA-256 of the file and the mapping, so the same pair resumes the same run.
fn digest(mut file: impl Read, mapping: &str) -> anyhow::Result<String> {
    let mut hash = Sha256::new();
    let mut buf = vec![0_u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).context("could not read the file")?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
    }
    hash.update(b"\0mapping\0");
    hash.update(mapping.as_bytes());
    Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn errors_path(file: &Path) -> PathBuf {
    let mut name = file.file_stem().unwrap_or_default().to_os_string();
    name.push(".errors.csv");
    file.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_bar_fills_with_the_bytes_read() {
        let t = ImportTally {
            read: 10,
            rejected: 1,
            ..ImportTally::default()
        };
        let half = progress_line(50, 100, &t);
        assert!(
            half.starts_with(&format!("[{}{}]", "#".repeat(15), " ".repeat(15))),
            "{half}"
        );
        assert!(half.contains(" 50.0 %  10 rows, 1 rejected"), "{half}");
        assert!(progress_line(0, 0, &t).contains("100.0 %"));
    }
}
