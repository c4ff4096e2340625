//! The export engine both front doors share: a whole filtered list read a page at a time
//! through the services' list use cases (with the actor's visibility) and turned into CSV
//! pieces by `sarnakh_core::export`. It holds no rule of its own and at most one page.

use crate::http::error::ApiError;
use axum::http::StatusCode;
use sarnakh_core::domain::page::{Cursor, MAX_LIMIT};
use sarnakh_core::domain::{Account, Contact, Lead, Opportunity, Page, PageRequest};
use sarnakh_core::export::{ExportError, ExportMode, ExportWriter, Exportable, Layout};
use sarnakh_core::service::{Actor, Services};
use sarnakh_core::store::{AccountFilter, ContactFilter, LeadFilter, OpportunityFilter};

/// Rows read per page: the largest page a list use case serves.
const PAGE_ROWS: u32 = MAX_LIMIT;

/// A list filter whose whole result can be exported: one page of it, as the actor sees it.
pub(crate) trait ExportList: Send + Sync {
    /// The records listed.
    type Row: Exportable + Send + Sync;

    /// One page, read through the service (which applies the actor's visibility).
    fn page(
        &self,
        services: &Services,
        actor: &Actor,
        page: &PageRequest,
    ) -> impl Future<Output = sarnakh_core::error::Result<Page<Self::Row>>> + Send;
}

macro_rules! export_list {
    ($filter:ty, $row:ty, $method:ident) => {
        impl ExportList for $filter {
            type Row = $row;
            fn page(
                &self,
                services: &Services,
                actor: &Actor,
                page: &PageRequest,
            ) -> impl Future<Output = sarnakh_core::error::Result<Page<$row>>> + Send {
                services.$method(actor, self, page)
            }
        }
    };
}
export_list!(LeadFilter, Lead, list_leads);
export_list!(OpportunityFilter, Opportunity, list_opportunities);
export_list!(AccountFilter, Account, list_accounts);
export_list!(ContactFilter, Contact, list_contacts);

/// Why an export failed: the list use case refused, or a row could not be written.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Refused or failed reading (forbidden, storage ...).
    Service(sarnakh_core::Error),
    /// A row cannot be written (raw mode) or the output failed.
    Export(ExportError),
}

impl From<sarnakh_core::Error> for Failure {
    fn from(e: sarnakh_core::Error) -> Self {
        Self::Service(e)
    }
}

impl From<ExportError> for Failure {
    fn from(e: ExportError) -> Self {
        Self::Export(e)
    }
}

impl From<Failure> for ApiError {
    fn from(f: Failure) -> Self {
        let e = match f {
            Failure::Service(e) => return e.into(),
            Failure::Export(e) => e,
        };
        let (status, code) = match &e {
            ExportError::SeparatorInList { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "not_exportable")
            }
            ExportError::UnlistedEvidence { .. } => (StatusCode::CONFLICT, "changed_during_export"),
            ExportError::Csv(_) | ExportError::Io(_) => {
                tracing::error!(error = %e, "export failed");
                let status = StatusCode::INTERNAL_SERVER_ERROR;
                return ApiError::new(status, "export_failed", "the export could not be written");
            }
        };
        ApiError::new(status, code, e.to_string())
    }
}

/// A whole filtered list as CSV, one piece per page: the first piece has the header. Memory
/// holds one page. Reading starts in [`CsvChunks::start`], so a refusal comes before any
/// output.
pub(crate) struct CsvChunks<F: ExportList> {
    services: Services,
    actor: Actor,
    filter: F,
    layout: Layout<F::Row>,
    /// The first page, read by `start` and not yet written.
    first: Option<Page<F::Row>>,
    /// Where the next page starts; `None` after the last.
    after: Option<Cursor>,
    rows: u64,
}

impl<F: ExportList> CsvChunks<F> {
    /// Prepares the export and reads the first page. A raw lead export first reads the
    /// whole list once to learn its checklist items (its `evidence.ITEM` columns).
    pub(crate) async fn start(
        services: Services,
        actor: Actor,
        filter: F,
        mode: ExportMode,
    ) -> Result<Self, Failure> {
        let mut layout = Layout::new(mode);
        let mut after = None;
        while layout.needs_scan() {
            let page = filter.page(&services, &actor, &request(after)).await?;
            for row in &page.items {
                layout.scan(row)?;
            }
            after = page.next;
            if after.is_none() {
                break;
            }
        }
        let first = filter.page(&services, &actor, &request(None)).await?;
        Ok(Self {
            services,
            actor,
            filter,
            layout,
            first: Some(first),
            after: None,
            rows: 0,
        })
    }

    /// The columns, e.g. to write the mapping that re-imports a raw export.
    pub(crate) fn layout(&self) -> &Layout<F::Row> {
        &self.layout
    }

    /// Data rows written so far.
    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    /// The next piece of the file (header and first page, then a page at a time), or
    /// `None` after the last.
    pub(crate) async fn next(&mut self) -> Result<Option<Vec<u8>>, Failure> {
        let with_header = self.first.is_some();
        let page = match (self.first.take(), self.after.take()) {
            (Some(page), _) => page,
            (None, Some(after)) => {
                let request = request(Some(after));
                self.filter
                    .page(&self.services, &self.actor, &request)
                    .await?
            }
            (None, None) => return Ok(None),
        };
        self.after = page.next;
        let mut out = if with_header {
            ExportWriter::new(Vec::new(), &self.layout)?
        } else {
            ExportWriter::continuing(Vec::new(), &self.layout)
        };
        for row in &page.items {
            out.write(row)?;
        }
        self.rows += page.items.len() as u64;
        Ok(Some(out.finish()?))
    }
}

fn request(after: Option<Cursor>) -> PageRequest {
    PageRequest::new(Some(PAGE_ROWS), after)
}
