//! Placing imported account and contact rows. Accounts are unique by name in Sarnakh, so
//! an account row matches by external id, else by name; two external ids with one name
//! become one account known by both. Contacts match by external id (or email, as the
//! mapping says), hang off an imported account, and may name the lead they came in as.
//! A row's values replace the record's (an empty cell clears the field), except that an
//! account stays a customer once it is one.

use super::{Pending, RunContext, unknown_reference};
use crate::domain::duplicate::{DuplicateMatch, PersonRecord};
use crate::domain::{Account, AccountId, Contact, ContactId, LeadId, RecordRef};
use crate::error::{FieldError, Result};
use crate::import::{
    BoundMapping, DedupeBy, Entity, ImportedAccount, ImportedContact, Record, RowOutcome,
    convert_account, convert_contact,
};
use crate::service::{Actor, Services};
use std::collections::HashMap;

/// The row error naming the record a new person looks like.
pub(super) fn duplicate_field_error(m: &DuplicateMatch) -> FieldError {
    let who = m.person.as_ref().map_or_else(
        || "a record you cannot see".to_owned(),
        |p| format!("{} {} ({})", p.record.kind(), p.record.uuid(), p.name()),
    );
    FieldError::new(
        "duplicate",
        m.reason.as_str(),
        format!(
            "probably the same person as {who} ({}); the duplicate policy blocks it",
            m.reason.as_str().replace('_', " ")
        ),
    )
}

/// Accounts known so far in this batch: by name key and by external id.
struct Known {
    names: HashMap<String, AccountId>,
    external: HashMap<String, AccountId>,
    queued: HashMap<AccountId, usize>,
}

impl Services {
    /// Places one batch of account rows.
    pub(super) async fn account_batch(
        &self,
        mapping: &BoundMapping,
        ctx: &mut RunContext,
        p: &mut Pending,
        records: Vec<Record>,
    ) -> Result<()> {
        let convert = |r: &Record| convert_account(mapping, r);
        let rows = self
            .convert_rows(ctx, p, records, convert, |a| a.owner_id)
            .await?;
        let externals = rows.iter().filter_map(|(_, a)| a.external_id.as_ref());
        let external = self.resolve_external(Entity::Accounts, externals).await?;
        let keys: Vec<String> = rows.iter().map(|(_, a)| a.name_key.clone()).collect();
        let mut known = Known {
            names: self.store.accounts_by_name_keys(&keys).await?,
            external: external
                .into_iter()
                .map(|(k, v)| (k, AccountId::from_uuid(v)))
                .collect(),
            queued: HashMap::new(),
        };
        for (record, row) in rows {
            match self.place_account(p, &mut known, row).await? {
                Ok(outcome) => p.outcomes.push(outcome),
                Err(e) => p.reject(record.reject(&[e])),
            }
        }
        Ok(())
    }

    async fn place_account(
        &self,
        p: &mut Pending,
        known: &mut Known,
        row: ImportedAccount,
    ) -> Result<Result<RowOutcome, FieldError>> {
        let by_external = row.external_id.as_ref().and_then(|x| known.external.get(x));
        let by_name = known.names.get(&row.name_key).copied();
        let id = by_external.copied().or(by_name);
        let now = self.now();
        let Some(id) = id else {
            let account = Account {
                id: AccountId::new(),
                name: row.name,
                name_key: row.name_key.clone(),
                industry: row.industry,
                company_size: row.company_size,
                country: row.country,
                owner_id: row.owner_id,
                customer_since: row.customer_since,
                created_at: now,
                updated_at: now,
                version: 1,
            };
            known.names.insert(row.name_key, account.id);
            if let Some(x) = row.external_id {
                known.external.insert(x.clone(), account.id);
                p.external_id(Entity::Accounts, x, account.id.as_uuid());
            }
            known.queued.insert(account.id, p.batch.accounts.len());
            p.batch.accounts.push((account, None));
            return Ok(Ok(RowOutcome::Created));
        };
        if by_name.is_some_and(|other| other != id) {
            return Ok(Err(FieldError::new(
                "name",
                "name_taken",
                format!("another account is already called {:?}", row.name),
            )));
        }
        if let Some(x) = row.external_id.clone()
            && !known.external.contains_key(&x)
        {
            known.external.insert(x.clone(), id);
            p.external_id(Entity::Accounts, x, id.as_uuid());
        }
        let (current, slot) = match known.queued.get(&id) {
            Some(&i) => (p.batch.accounts[i].0.clone(), Some(i)),
            None => match self.store.get_account(id).await? {
                Some(a) => (a, None),
                None => return Ok(Err(unknown_reference("external_id", Entity::Accounts, ""))),
            },
        };
        let next = Account {
            name: row.name,
            name_key: row.name_key.clone(),
            industry: row.industry,
            company_size: row.company_size,
            country: row.country,
            owner_id: row.owner_id,
            customer_since: current.customer_since.or(row.customer_since),
            ..current
        };
        if next == current {
            return Ok(Ok(RowOutcome::Unchanged));
        }
        known.names.remove(&current.name_key);
        known.names.insert(row.name_key, id);
        match slot {
            Some(i) => {
                p.batch.accounts[i].0 = Account {
                    updated_at: now,
                    ..next
                }
            }
            None => {
                let changed = Account {
                    updated_at: now,
                    version: current.version + 1,
                    ..next
                };
                known.queued.insert(id, p.batch.accounts.len());
                p.batch.accounts.push((changed, Some(current.version)));
            }
        }
        Ok(Ok(RowOutcome::Updated))
    }

    /// Places one batch of contact rows.
    pub(super) async fn contact_batch(
        &self,
        actor: &Actor,
        mapping: &BoundMapping,
        ctx: &mut RunContext,
        p: &mut Pending,
        records: Vec<Record>,
    ) -> Result<()> {
        let convert = |r: &Record| convert_contact(mapping, r);
        let rows = self
            .convert_rows(ctx, p, records, convert, |_| None)
            .await?;
        let accounts = self
            .resolve_external(
                Entity::Accounts,
                rows.iter().map(|(_, c)| &c.account_external_id),
            )
            .await?;
        let leads = rows.iter().filter_map(|(_, c)| c.lead_external_id.as_ref());
        let leads = self.resolve_external(Entity::Leads, leads).await?;
        let by_email = mapping.dedupe_by() == Some(DedupeBy::Email);
        let mut existing: HashMap<String, ContactId> = if by_email {
            let emails: Vec<String> = rows.iter().filter_map(|(_, c)| email_key(c)).collect();
            self.store.contacts_by_emails(&emails).await?
        } else {
            let externals = rows.iter().filter_map(|(_, c)| c.external_id.as_ref());
            let found = self.resolve_external(Entity::Contacts, externals).await?;
            found
                .into_iter()
                .map(|(k, v)| (k, ContactId::from_uuid(v)))
                .collect()
        };
        let mut queued: HashMap<ContactId, usize> = HashMap::new();
        for (record, row) in rows {
            let Some(account) = accounts.get(&row.account_external_id) else {
                let e = unknown_reference(
                    "account_external_id",
                    Entity::Accounts,
                    &row.account_external_id,
                );
                p.reject(record.reject(&[e]));
                continue;
            };
            let lead = match &row.lead_external_id {
                None => None,
                Some(x) => match leads.get(x) {
                    Some(id) => Some(LeadId::from_uuid(*id)),
                    None => {
                        let e = unknown_reference("lead_external_id", Entity::Leads, x);
                        p.reject(record.reject(&[e]));
                        continue;
                    }
                },
            };
            let key = if by_email {
                email_key(&row)
            } else {
                row.external_id.clone()
            };
            let found = key.as_ref().and_then(|k| existing.get(k)).copied();
            let contact = Contact {
                id: found.unwrap_or_else(ContactId::new),
                account_id: AccountId::from_uuid(*account),
                lead_id: lead,
                first_name: row.first_name.clone(),
                last_name: row.last_name.clone(),
                email: row.email.clone(),
                phone: row.phone.clone(),
                job_title: row.job_title.clone(),
                created_at: self.now(),
                version: 1,
            };
            let outcome = match found {
                Some(id) => self.update_contact(p, &mut queued, id, contact).await?,
                None => {
                    if Self::blocks_duplicates(ctx)
                        && let Some(e) = self.contact_duplicate(actor, ctx, &contact).await?
                    {
                        p.reject(record.reject(&[e]));
                        continue;
                    }
                    if let Some(k) = key {
                        existing.insert(k, contact.id);
                    }
                    if let Some(x) = row.external_id {
                        p.external_id(Entity::Contacts, x, contact.id.as_uuid());
                    }
                    queued.insert(contact.id, p.batch.contacts.len());
                    p.batch.contacts.push((contact, None));
                    RowOutcome::Created
                }
            };
            p.outcomes.push(outcome);
        }
        Ok(())
    }

    /// Replaces a matched contact's values with the row's; `fresh` carries the row.
    async fn update_contact(
        &self,
        p: &mut Pending,
        queued: &mut HashMap<ContactId, usize>,
        id: ContactId,
        fresh: Contact,
    ) -> Result<RowOutcome> {
        let current = match queued.get(&id) {
            Some(&i) => p.batch.contacts[i].0.clone(),
            None => match self.store.get_contact(id).await? {
                Some(c) => c,
                None => return Ok(RowOutcome::Unchanged),
            },
        };
        let next = Contact {
            created_at: current.created_at,
            version: current.version,
            ..fresh
        };
        if next == current {
            return Ok(RowOutcome::Unchanged);
        }
        match queued.get(&id) {
            Some(&i) => p.batch.contacts[i].0 = next,
            None => {
                queued.insert(id, p.batch.contacts.len());
                let changed = Contact {
                    version: current.version + 1,
                    ..next
                };
                p.batch.contacts.push((changed, Some(current.version)));
            }
        }
        Ok(RowOutcome::Updated)
    }

    /// Why a new contact is refused under the `block` policy, if it looks like someone.
    async fn contact_duplicate(
        &self,
        actor: &Actor,
        ctx: &RunContext,
        c: &Contact,
    ) -> Result<Option<FieldError>> {
        let company = self.store.get_account(c.account_id).await?.map(|a| a.name);
        let probe = PersonRecord {
            record: RecordRef::Contact(c.id),
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            email: c.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: c.phone.as_ref().map(|p| p.as_str().to_owned()),
            company,
            owner_id: None,
            team_id: None,
        };
        let matches = self.look_alikes(actor, &probe, &ctx.duplicates).await?;
        Ok(matches.first().map(duplicate_field_error))
    }
}

fn email_key(c: &ImportedContact) -> Option<String> {
    c.email.as_ref().map(|e| e.as_str().to_lowercase())
}
