//! Pieces the pages share: form fields and alerts, loading and failure states, the brand,
//! page titles and redirects, how people are shown.

mod brand;
mod export;
mod feedback;
mod forms;
mod navigation;
mod people;

pub use brand::{AuthCard, Logo, NotFound};
pub use export::ExportButton;
pub use feedback::{LoadError, Loading};
pub use forms::{ActionButton, Check, Field, FormAlert, failure, field_error, succeeded};
pub use navigation::{GoTo, PageTitle};
pub use people::initials;
