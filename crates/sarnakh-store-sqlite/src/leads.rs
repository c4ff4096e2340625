//! Lead rows: insert, read, versioned update, filtered lists and the conversion
//! transaction.

use crate::history::insert_history;
use crate::list::{finish, lead_list_query};
use crate::rows::LeadRow;
use crate::{SqliteStore, backend};
use sarnakh_core::domain::page::{Cursor, CursorKey};
use sarnakh_core::domain::{AccountId, HistoryEntry, Lead, LeadId, Page, PageRequest, RecordRef};
use sarnakh_core::store::{Conversion, LeadFilter, LeadSortField, StoreError};
use sqlx::{Sqlite, SqliteConnection};
use uuid::Uuid;

pub(crate) use sarnakh_store_sql::rows::LEAD_COLUMNS;

use sarnakh_store_sql::rows::lead_search as search_text;
pub(crate) use sarnakh_store_sql::rows::lead_sort_name as sort_name;

/// A lead's products as the column stores them (JSON text).
pub(crate) fn products_param(lead: &Lead) -> String {
    serde_json::to_string(&lead.fields.products).expect("a list of strings serialises")
}

impl SqliteStore {
    pub(crate) async fn get_lead_row(&self, id: LeadId) -> Result<Option<Lead>, StoreError> {
        let sql = format!("select {LEAD_COLUMNS} from leads where id = $1");
        let row: Option<LeadRow> = sqlx::query_as(&sql)
            .bind(id.as_uuid())
            .fetch_optional(&self.read)
            .await
            .map_err(backend)?;
        row.map(Lead::try_from).transpose()
    }

    pub(crate) async fn update_lead_tx(
        &self,
        lead: &Lead,
        expected: i64,
        history: Option<&HistoryEntry>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        write_lead(&mut tx, lead, Some(expected)).await?;
        if let Some(h) = history {
            insert_history(&mut tx, h).await?;
        }
        tx.commit().await.map_err(backend)
    }

    pub(crate) async fn list_lead_rows(
        &self,
        filter: &LeadFilter,
        page: &PageRequest,
    ) -> Result<Page<Lead>, StoreError> {
        let mut qb = lead_list_query::<Sqlite>(
            sarnakh_store_sql::reports::Dialect::Sqlite,
            LEAD_COLUMNS,
            filter,
            page,
        )?;
        let rows: Vec<LeadRow> = qb
            .build_query_as()
            .fetch_all(&self.read)
            .await
            .map_err(backend)?;
        let leads = rows
            .into_iter()
            .map(Lead::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        let sort = filter.sort;
        Ok(finish(leads, page, |l| Cursor {
            key: match sort {
                LeadSortField::CreatedAt => CursorKey::Time(l.created_at),
                LeadSortField::UpdatedAt => CursorKey::Time(l.updated_at),
                LeadSortField::Name => CursorKey::Text(sort_name(l)),
                LeadSortField::Score => CursorKey::Int(i64::from(l.score)),
            },
            id: l.id.as_uuid(),
        }))
    }

    pub(crate) async fn convert_lead_tx(&self, c: &Conversion) -> Result<AccountId, StoreError> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        let a = &c.account;
        sqlx::query(
            "insert into accounts (id, name, name_key, industry, company_size, country, owner_id, customer_since, created_at, updated_at, version)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict (name_key) do nothing",
        )
        .bind(a.id.as_uuid()).bind(&a.name).bind(&a.name_key).bind(&a.industry).bind(a.company_size).bind(&a.country)
        .bind(a.owner_id.map(|o| o.as_uuid())).bind(a.customer_since).bind(a.created_at).bind(a.updated_at).bind(a.version)
        .execute(&mut *tx).await.map_err(backend)?;
        let account_id: Uuid = sqlx::query_scalar("select id from accounts where name_key = $1")
            .bind(&a.name_key)
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
        let account_id = AccountId::from_uuid(account_id);
        let mut contact = c.contact.clone();
        contact.account_id = account_id;
        crate::records::insert_contact(&mut tx, &contact).await?;
        let mut lead = c.lead.clone();
        lead.account_id = Some(account_id);
        write_lead(&mut tx, &lead, Some(c.expected_version)).await?;
        for o in &c.opportunities {
            let mut o = o.clone();
            o.account_id = account_id;
            crate::records::insert_opportunity(&mut tx, &o).await?;
        }
        // History may name the proposed account; point it at the one actually used.
        let proposed = Some(RecordRef::Account(c.account.id));
        for h in &c.history {
            let mut h = h.clone();
            if h.related == proposed {
                h.related = Some(RecordRef::Account(account_id));
            }
            insert_history(&mut tx, &h).await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(account_id)
    }
}

/// Inserts the lead (`expected` = `None`) or replaces it if its version is `expected`.
pub(crate) async fn write_lead(
    conn: &mut SqliteConnection,
    l: &Lead,
    expected: Option<i64>,
) -> Result<(), StoreError> {
    let f = &l.fields;
    let p = &f.person;
    let sql = match expected {
        None => format!("insert into leads ({LEAD_COLUMNS}, sort_name, search) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36)"),
        Some(_) => "update leads set first_name = $2, last_name = $3, email = $4, phone = $5, job_title = $6, company = $7, country = $8, source = $9, campaign = $10, products = $11, notes = $12, company_size = $13, industry = $14, need = $15, decision_role = $16, owner_id = $17, stage = $18, status = $19, disqualify_reason = $20, status_note = $21, nurture_until = $22, score = $23, account_id = $24, contact_id = $25, qualified_at = $26, converted_at = $27, created_at = $28, updated_at = $29, version = $30, team_id = $31, evidence = $32, score_lines = $33, grade = $34, sort_name = $35, search = $36 where id = $1 and version = $37".to_owned(),
    };
    let query = sqlx::query(&sql)
        .bind(l.id.as_uuid())
        .bind(&p.first_name)
        .bind(&p.last_name)
        .bind(p.email.as_ref().map(|e| e.as_str()))
        .bind(p.phone.as_ref().map(|p| p.as_str()))
        .bind(&p.job_title)
        .bind(&f.company)
        .bind(&f.country)
        .bind(f.source.as_str())
        .bind(&f.campaign)
        .bind(products_param(l))
        .bind(&f.notes)
        .bind(f.company_size)
        .bind(&f.industry)
        .bind(&f.need)
        .bind(f.decision_role.map(|r| r.as_str()))
        .bind(f.owner_id.map(|o| o.as_uuid()))
        .bind(l.state.stage.as_str())
        .bind(l.state.status.as_str())
        .bind(l.disqualify_reason.map(|r| r.as_str()))
        .bind(&l.status_note)
        .bind(l.nurture_until)
        .bind(l.score)
        .bind(l.account_id.map(|a| a.as_uuid()))
        .bind(l.contact_id.map(|c| c.as_uuid()))
        .bind(l.qualified_at)
        .bind(l.converted_at)
        .bind(l.created_at)
        .bind(l.updated_at)
        .bind(l.version)
        .bind(l.team_id.map(|t| t.as_uuid()))
        .bind(serde_json::to_string(&l.fields.evidence).expect("a map of strings serialises"))
        .bind(serde_json::to_string(&l.score_lines).expect("score lines serialise"))
        .bind(l.grade.as_str())
        .bind(sort_name(l))
        .bind(search_text(l));
    let query = match expected {
        Some(version) => query.bind(version),
        None => query,
    };
    let result = query.execute(&mut *conn).await.map_err(backend)?;
    if expected.is_some() && result.rows_affected() == 0 {
        return Err(stale_or_missing(conn, "leads", l.id.as_uuid()).await);
    }
    Ok(())
}

/// After an update touched no row: the row is gone, or its version moved on.
pub(crate) async fn stale_or_missing(
    conn: &mut SqliteConnection,
    table: &str,
    id: Uuid,
) -> StoreError {
    let sql = format!("select count(*) from {table} where id = $1");
    match sqlx::query_scalar::<_, i64>(&sql)
        .bind(id)
        .fetch_one(conn)
        .await
    {
        Ok(0) => StoreError::NotFound,
        Ok(_) => StoreError::StaleVersion,
        Err(e) => backend(e),
    }
}
