//! Streaming: 200,000 rows generated on the fly go through the reader and the converter
//! while the reader never holds more than one buffer of the file.
//!
//! The check is on the source side, which cannot be fooled by what the reader does with
//! the bytes: a counting `Read` records how many bytes it has handed out, and at every row
//! the reader yields, that count may exceed the bytes up to the end of that row by at most
//! one read buffer (64 KiB). A reader that slurped the file would have taken all ~9 MB at
//! the first row. The reader's own buffers are measured as well and stay at about 66 KiB.
//! Converted rows are dropped as they go, so memory does not grow with the file.

use super::test_support::bind;
use super::{ImportReader, ImportTally, ReaderOptions, RowOutcome, convert_lead};
use std::cell::Cell;
use std::io::Read;
use std::rc::Rc;

const HEADER: &str = "Id,Prenume,E-mail\n";
const ROWS: u64 = 200_000;
/// The most the reader may hold of the file: its one 64 KiB read buffer. Written out here,
/// not taken from the reader, so that growing the reader's buffer fails this test.
const BUFFER_BYTES: usize = 64 * 1024;

fn row(i: u64) -> String {
    format!("L-{i:07},Name{i:07},user{i:07}@example.com\n")
}

/// What the source saw.
#[derive(Default)]
struct Seen {
    delivered: Cell<u64>,
    reads: Cell<u64>,
    largest_request: Cell<usize>,
}

/// A CSV file that exists only as it is read: rows are formatted on demand.
struct Generated {
    pending: Vec<u8>,
    at: usize,
    next_row: u64,
    seen: Rc<Seen>,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let seen = &self.seen;
        seen.reads.set(seen.reads.get() + 1);
        seen.largest_request
            .set(seen.largest_request.get().max(buf.len()));
        let mut n = 0;
        while n < buf.len() {
            if self.at == self.pending.len() {
                if self.next_row > ROWS {
                    break;
                }
                self.pending = row(self.next_row).into_bytes();
                self.at = 0;
                self.next_row += 1;
            }
            let take = (buf.len() - n).min(self.pending.len() - self.at);
            buf[n..n + take].copy_from_slice(&self.pending[self.at..self.at + take]);
            (n, self.at) = (n + take, self.at + take);
        }
        seen.delivered.set(seen.delivered.get() + n as u64);
        Ok(n)
    }
}

#[test]
fn two_hundred_thousand_generated_rows_stream_in_bounded_memory() {
    let row_len = row(1).len() as u64;
    assert_eq!(row(ROWS).len() as u64, row_len, "rows are fixed-width");
    let total = HEADER.len() as u64 + ROWS * row_len;
    let seen = Rc::new(Seen::default());
    let source = Generated {
        pending: HEADER.as_bytes().to_vec(),
        at: 0,
        next_row: 1,
        seen: Rc::clone(&seen),
    };
    let mapping = bind(
        "entity = \"leads\"\nexternal_id_column = \"Id\"\n[columns]\nPrenume = \"first_name\"\n\"E-mail\" = \"email\"\n",
        &["Id", "Prenume", "E-mail"],
    );
    let mut reader = ImportReader::new(source, ReaderOptions::default()).expect("header");
    let mut tally = ImportTally::default();
    let mut most_retained = 0;
    while let Some(read) = reader.next() {
        let record = read.expect("no fatal error").expect("well formed");
        let through_this_row = HEADER.len() as u64 + record.row() * row_len;
        let ahead = seen.delivered.get() - through_this_row;
        assert!(
            ahead <= BUFFER_BYTES as u64,
            "row {}: {ahead} bytes read ahead",
            record.row()
        );
        assert_eq!(record.line(), record.row() + 1);
        convert_lead(&mapping, &record).expect("generated rows are valid");
        tally.count(RowOutcome::Created);
        most_retained = most_retained.max(reader.retained_bytes());
    }
    assert_eq!((tally.read, tally.created), (ROWS, ROWS));
    assert!(tally.invariant_holds());
    assert_eq!(seen.delivered.get(), total, "the whole file was read");
    assert!(
        total > 9_000_000,
        "the file ({total} bytes) dwarfs the buffer"
    );
    assert!(seen.largest_request.get() <= BUFFER_BYTES);
    assert!(
        seen.reads.get() >= total / BUFFER_BYTES as u64,
        "read incrementally"
    );
    assert!(
        most_retained < 2 * BUFFER_BYTES,
        "reader held {most_retained} bytes"
    );
}
