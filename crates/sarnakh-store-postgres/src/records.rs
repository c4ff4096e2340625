//! Account, contact and opportunity rows.

use crate::history::insert_history;
use crate::leads::stale_or_missing;
use crate::list::{
    contains_pattern, finish, is_text, is_time, opportunity_list_query, push_account_filter,
    push_order, push_seek, push_visibility,
};
use crate::rows::{AccountRow, ContactRow, OpportunityRow};
use crate::{PostgresStore, backend};
use sarnakh_core::domain::page::{Cursor, CursorKey, SortDir};
use sarnakh_core::domain::{
    Account, AccountId, BuyerRole, Contact, ContactId, HistoryEntry, Opportunity, OpportunityId,
    Page, PageRequest,
};
use sarnakh_core::store::{
    AccountFilter, ContactFilter, OpportunityChange, OpportunityFilter, OpportunitySortField,
    StoreError,
};
use sqlx::{PgConnection, Postgres, QueryBuilder};

const ACCOUNT_COLUMNS: &str = "id, name, name_key, industry, company_size, country, owner_id, customer_since, created_at, updated_at, version";
const CONTACT_COLUMNS: &str =
    "id, account_id, lead_id, first_name, last_name, email, phone, job_title, created_at, version";
use sarnakh_store_sql::rows::{OPPORTUNITY_COLUMNS, opportunity_write_sql};

pub(crate) async fn insert_contact(conn: &mut PgConnection, c: &Contact) -> Result<(), StoreError> {
    let search = sarnakh_store_sql::rows::contact_search(c);
    sqlx::query(&format!("insert into contacts ({CONTACT_COLUMNS}, search) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"))
        .bind(c.id.as_uuid()).bind(c.account_id.as_uuid()).bind(c.lead_id.map(|l| l.as_uuid()))
        .bind(&c.first_name).bind(&c.last_name).bind(c.email.as_ref().map(|e| e.as_str()))
        .bind(c.phone.as_ref().map(|p| p.as_str())).bind(&c.job_title).bind(c.created_at).bind(c.version).bind(search)
        .execute(conn).await.map_err(backend)?;
    Ok(())
}

pub(crate) async fn insert_opportunity(
    conn: &mut PgConnection,
    o: &Opportunity,
) -> Result<(), StoreError> {
    write_opportunity(conn, o, None).await
}

pub(crate) async fn write_opportunity(
    conn: &mut PgConnection,
    o: &Opportunity,
    expected: Option<i64>,
) -> Result<(), StoreError> {
    let search = format!("{} {}", o.name, o.product.as_deref().unwrap_or("")).to_lowercase();
    let sql = opportunity_write_sql(expected.is_some());
    let query = sqlx::query(&sql)
        .bind(o.id.as_uuid())
        .bind(o.account_id.as_uuid())
        .bind(o.contact_id.map(|c| c.as_uuid()))
        .bind(o.lead_id.map(|l| l.as_uuid()))
        .bind(&o.name)
        .bind(&o.product)
        .bind(o.amount.minor())
        .bind(o.amount.currency().code())
        .bind(o.expected_close_date)
        .bind(&o.stage)
        .bind(o.status.as_str())
        .bind(o.loss_reason.map(|r| r.as_str()))
        .bind(&o.close_note)
        .bind(o.closed_at)
        .bind(o.owner_id.map(|u| u.as_uuid()))
        .bind(o.created_at)
        .bind(o.updated_at)
        .bind(o.version)
        .bind(o.forecast_category.map(|c| c.as_str()))
        .bind(search);
    let query = match expected {
        Some(version) => query.bind(version),
        None => query,
    };
    let result = query.execute(&mut *conn).await.map_err(backend)?;
    if expected.is_some() && result.rows_affected() == 0 {
        return Err(stale_or_missing(conn, "opportunities", o.id.as_uuid()).await);
    }
    Ok(())
}

impl PostgresStore {
    pub(crate) async fn get_account_row(
        &self,
        id: AccountId,
    ) -> Result<Option<Account>, StoreError> {
        let row: Option<AccountRow> = sqlx::query_as(&format!(
            "select {ACCOUNT_COLUMNS} from accounts where id = $1"
        ))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.map(Account::from))
    }

    pub(crate) async fn list_account_rows(
        &self,
        filter: &AccountFilter,
        page: &PageRequest,
    ) -> Result<Page<Account>, StoreError> {
        let mut qb = QueryBuilder::<Postgres>::new(format!(
            "select {ACCOUNT_COLUMNS} from accounts where 1 = 1"
        ));
        push_account_filter(&mut qb, filter);
        let dir = if filter.name_desc {
            SortDir::Desc
        } else {
            SortDir::Asc
        };
        push_seek(&mut qb, "name_key", dir, page, is_text)?;
        push_order(&mut qb, "name_key", dir, page);
        let rows: Vec<AccountRow> = qb
            .build_query_as()
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        let accounts = rows.into_iter().map(Account::from).collect();
        Ok(finish(accounts, page, |a: &Account| Cursor {
            key: CursorKey::Text(a.name_key.clone()),
            id: a.id.as_uuid(),
        }))
    }

    pub(crate) async fn get_contact_row(
        &self,
        id: ContactId,
    ) -> Result<Option<Contact>, StoreError> {
        let row: Option<ContactRow> = sqlx::query_as(&format!(
            "select {CONTACT_COLUMNS} from contacts where id = $1"
        ))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.map(Contact::try_from).transpose()
    }

    pub(crate) async fn list_contact_rows(
        &self,
        filter: &ContactFilter,
        page: &PageRequest,
    ) -> Result<Page<Contact>, StoreError> {
        let mut qb = QueryBuilder::<Postgres>::new(format!(
            "select {CONTACT_COLUMNS} from contacts where 1 = 1"
        ));
        if let Some(account) = filter.account {
            qb.push(" and account_id = ").push_bind(account.as_uuid());
        }
        if let Some(owner) = filter.owner {
            qb.push(" and account_id in (select id from accounts where owner_id = ")
                .push_bind(owner.as_uuid())
                .push(")");
        }
        if filter.visibility != sarnakh_core::policy::Visibility::All {
            qb.push(" and account_id in (select id from accounts where 1 = 1");
            push_visibility(&mut qb, &filter.visibility, "owner_id", None);
            qb.push(")");
        }
        if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
            qb.push(" and search like ")
                .push_bind(contains_pattern(q))
                .push(" escape '\\'");
        }
        let dir = if filter.oldest_first {
            SortDir::Asc
        } else {
            SortDir::Desc
        };
        push_seek(&mut qb, "created_at", dir, page, is_time)?;
        push_order(&mut qb, "created_at", dir, page);
        let rows: Vec<ContactRow> = qb
            .build_query_as()
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        let contacts = rows
            .into_iter()
            .map(Contact::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(finish(contacts, page, |c| Cursor {
            key: CursorKey::Time(c.created_at),
            id: c.id.as_uuid(),
        }))
    }

    pub(crate) async fn insert_opportunity_tx(
        &self,
        o: &Opportunity,
        history: &HistoryEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        insert_opportunity(&mut tx, o).await?;
        insert_history(&mut tx, history).await?;
        tx.commit().await.map_err(backend)
    }

    pub(crate) async fn get_opportunity_row(
        &self,
        id: OpportunityId,
    ) -> Result<Option<Opportunity>, StoreError> {
        let row: Option<OpportunityRow> = sqlx::query_as(&format!(
            "select {OPPORTUNITY_COLUMNS} from opportunities where id = $1"
        ))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.map(Opportunity::try_from).transpose()
    }

    pub(crate) async fn list_opportunity_rows(
        &self,
        filter: &OpportunityFilter,
        page: &PageRequest,
    ) -> Result<Page<Opportunity>, StoreError> {
        let mut qb = opportunity_list_query::<Postgres>(
            sarnakh_store_sql::reports::Dialect::Postgres,
            OPPORTUNITY_COLUMNS,
            filter,
            page,
        )?;
        let rows: Vec<OpportunityRow> = qb
            .build_query_as()
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        let items = rows
            .into_iter()
            .map(Opportunity::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        let sort = filter.sort;
        Ok(finish(items, page, |o| Cursor {
            key: match sort {
                OpportunitySortField::CreatedAt => CursorKey::Time(o.created_at),
                OpportunitySortField::UpdatedAt => CursorKey::Time(o.updated_at),
                OpportunitySortField::Amount => CursorKey::Int(o.amount.minor()),
            },
            id: o.id.as_uuid(),
        }))
    }

    pub(crate) async fn change_opportunity_tx(
        &self,
        c: &OpportunityChange,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        write_opportunity(&mut tx, &c.opportunity, Some(c.expected_version)).await?;
        insert_history(&mut tx, &c.history).await?;
        if c.make_customer {
            sqlx::query("update accounts set customer_since = $2, updated_at = $2, version = version + 1 where id = $1 and customer_since is null")
                .bind(c.opportunity.account_id.as_uuid()).bind(c.opportunity.updated_at)
                .execute(&mut *tx).await.map_err(backend)?;
        }
        tx.commit().await.map_err(backend)
    }

    pub(crate) async fn set_opportunity_contact_row(
        &self,
        opportunity: OpportunityId,
        contact: ContactId,
        role: BuyerRole,
        history: &HistoryEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("insert into opportunity_contacts (opportunity_id, contact_id, role) values ($1, $2, $3) on conflict (opportunity_id, contact_id) do update set role = excluded.role")
            .bind(opportunity.as_uuid()).bind(contact.as_uuid()).bind(role.as_str())
            .execute(&mut *tx).await.map_err(backend)?;
        insert_history(&mut tx, history).await?;
        tx.commit().await.map_err(backend)
    }

    pub(crate) async fn opportunity_contact_rows(
        &self,
        opportunity: OpportunityId,
    ) -> Result<Vec<(Contact, BuyerRole)>, StoreError> {
        let cols = CONTACT_COLUMNS
            .split(", ")
            .map(|c| format!("c.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "select {cols}, oc.role from opportunity_contacts oc join contacts c on c.id = oc.contact_id where oc.opportunity_id = $1 order by c.created_at, c.id"
        );
        let rows: Vec<(ContactRow, String)> = sqlx::query(&sql)
            .bind(opportunity.as_uuid())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .into_iter()
            .map(|row| {
                use sqlx::{FromRow, Row};
                Ok((
                    ContactRow::from_row(&row)?,
                    row.try_get::<String, _>("role")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend)?;
        rows.into_iter()
            .map(|(c, role)| {
                Ok((
                    Contact::try_from(c)?,
                    BuyerRole::parse(&role).ok_or_else(|| {
                        StoreError::Backend(format!("stored buyer role {role:?} is not valid"))
                    })?,
                ))
            })
            .collect()
    }
}
