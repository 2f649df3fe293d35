//! Schemas for request fields whose items carry bounds of their own (lists of labels or
//! keywords, custom fields), which utoipa's field attributes cannot state.
//!
//! The numbers repeat the rules of textdesk-domain and textdesk-app, which this crate cannot
//! depend on (the browser app builds it too); `crates/api/tests/spec_bounds.rs` checks every
//! one against the constant the server uses, as it does the literals of the `schema(...)`
//! attributes on the request types.

use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{Array, Object};

/// A nullable list of at most `max_items` single-line texts of 1 to `max_chars` characters.
fn text_list(max_items: usize, max_chars: usize, description: &str) -> Array {
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(bounded_text(Some(1), max_chars))
        .max_items(Some(max_items))
        .description(Some(description))
        .build()
}

fn bounded_text(min_chars: Option<usize>, max_chars: usize) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(min_chars)
        .max_length(Some(max_chars))
        .build()
}

/// A contact's labels (`textdesk_app::contacts::LABELS_MAX`, `LABEL_MAX`).
pub(crate) fn contact_labels() -> Array {
    text_list(
        50,
        50,
        "At most 50 labels of 1 to 50 characters; duplicates are dropped.",
    )
}

/// A contact's custom fields (`textdesk_app::contacts::CUSTOM_FIELDS_MAX`,
/// `CUSTOM_FIELD_NAME_MAX`, `CUSTOM_FIELD_VALUE_MAX`). Values may be empty; names may not.
pub(crate) fn custom_fields() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Object, Type::Null]))
        .property_names(Some(bounded_text(Some(1), 50)))
        .additional_properties(Some(Schema::Object(bounded_text(None, 500))))
        .max_properties(Some(50))
        .description(Some(
            "At most 50 fields; names of 1 to 50 characters, values of at most 500.",
        ))
        .build()
}

/// An organization's keyword list (`textdesk_domain::organization::KEYWORDS_MAX`,
/// `KEYWORD_MAX_CHARS`).
pub(crate) fn keywords() -> Array {
    text_list(
        50,
        40,
        "At most 50 keywords of 1 to 40 characters, stored upper-cased without duplicates.",
    )
}
