//! Account and contact reads. Accounts and contacts are created by lead conversion; each is
//! visible to the actor when its account's owner is.

use super::{Actor, Services, found};
use crate::domain::{Account, AccountId, Contact, ContactId, Page, PageRequest, User};
use crate::error::Result;
use crate::store::{AccountFilter, ContactFilter};

impl Services {
    /// Reads one account the actor may see.
    pub async fn get_account(&self, actor: &Actor, id: AccountId) -> Result<Account> {
        let account = self
            .store
            .get_account(id)
            .await?
            .filter(|a| actor.sees_owned(a.owner_id));
        found(account, "account", id)
    }

    /// A page of the accounts the actor may see, by name.
    pub async fn list_accounts(
        &self,
        actor: &Actor,
        filter: &AccountFilter,
        page: &PageRequest,
    ) -> Result<Page<Account>> {
        let filter = AccountFilter {
            visibility: actor.record_visibility(),
            ..filter.clone()
        };
        Ok(self.store.list_accounts(&filter, page).await?)
    }

    /// Reads one contact the actor may see (through its account).
    pub async fn get_contact(&self, actor: &Actor, id: ContactId) -> Result<Contact> {
        let contact = found(self.store.get_contact(id).await?, "contact", id)?;
        self.get_account(actor, contact.account_id)
            .await
            .map_err(|_| crate::Error::not_found("contact", id))?;
        Ok(contact)
    }

    /// A page of the contacts the actor may see, newest first.
    pub async fn list_contacts(
        &self,
        actor: &Actor,
        filter: &ContactFilter,
        page: &PageRequest,
    ) -> Result<Page<Contact>> {
        let filter = ContactFilter {
            visibility: actor.record_visibility(),
            ..filter.clone()
        };
        Ok(self.store.list_contacts(&filter, page).await?)
    }

    /// Every user (names and roles are visible to every signed-in user).
    pub async fn list_users(&self) -> Result<Vec<User>> {
        Ok(self.store.list_users().await?)
    }
}
