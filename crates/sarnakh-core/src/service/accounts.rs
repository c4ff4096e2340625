//! Account and contact reads. Accounts and contacts are created by lead conversion.

use super::{Services, found};
use crate::domain::{Account, AccountId, Contact, ContactId, Page, PageRequest, User};
use crate::error::Result;
use crate::store::{AccountFilter, ContactFilter};

impl Services {
    /// Reads one account.
    pub async fn get_account(&self, id: AccountId) -> Result<Account> {
        found(self.store.get_account(id).await?, "account", id)
    }

    /// A page of accounts by name.
    pub async fn list_accounts(
        &self,
        filter: &AccountFilter,
        page: &PageRequest,
    ) -> Result<Page<Account>> {
        Ok(self.store.list_accounts(filter, page).await?)
    }

    /// Reads one contact.
    pub async fn get_contact(&self, id: ContactId) -> Result<Contact> {
        found(self.store.get_contact(id).await?, "contact", id)
    }

    /// A page of contacts, newest first.
    pub async fn list_contacts(
        &self,
        filter: &ContactFilter,
        page: &PageRequest,
    ) -> Result<Page<Contact>> {
        Ok(self.store.list_contacts(filter, page).await?)
    }

    /// Every user.
    pub async fn list_users(&self) -> Result<Vec<User>> {
        Ok(self.store.list_users().await?)
    }
}
