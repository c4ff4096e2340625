//! Pure types and rules of the sales lifecycle: no IO, no clocks, no storage.
//!
//! Types here are parsed at the edge and trusted inside: a value of [`Email`] is always a
//! normalised, valid address; a [`Money`] always has a real ISO 4217 currency.

pub mod account;
pub mod activity;
pub mod assignment;
pub mod contact;
pub mod content;
pub mod duplicate;
pub mod email;
pub mod event;
pub mod experiment;
pub mod experiment_stats;
pub mod forecast;
pub mod form;
pub mod history;
pub mod ids;
pub mod lead;
pub mod lifecycle;
pub mod list_params;
pub mod money;
pub mod opportunity;
pub mod outbound;
pub mod page;
pub mod phone;
pub mod playbook;
pub mod predict;
pub mod report;
pub mod report_figures;
pub mod report_money;
pub mod saved_view;
pub mod scoring;
pub mod sla;
pub mod stage;
pub mod stage_settings;
#[cfg(test)]
mod stage_settings_tests;
pub mod task;
#[cfg(test)]
pub(crate) mod test_support;
pub mod text;
pub mod user;
pub mod webhook;
pub mod win;

pub use account::Account;
pub use activity::{Activity, ActivityKind};
pub use contact::Contact;
pub use email::Email;
pub use history::{FieldChange, HistoryEntry};
pub use ids::*;
pub use lead::{Lead, LeadSource, Person};
pub use lifecycle::{DisqualifyReason, LeadAction, LeadStage, LeadState, LeadStatus};
pub use money::{Currency, Money};
pub use opportunity::{BuyerRole, Opportunity, OpportunityStatus};
pub use page::{Cursor, Page, PageRequest};
pub use phone::Phone;
pub use stage::{PipelineStage, StageKind};
pub use task::Task;
pub use user::{ApiToken, Locale, Role, Session, Team, TokenScope, User};
