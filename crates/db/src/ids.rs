//! New row ids: UUIDv7, so ids sort by creation time and serve as keyset cursors.

/// A new id, as whichever id type the row has (or a plain `String`).
pub fn new_id<T: From<String>>() -> T {
    T::from(uuid::Uuid::now_v7().to_string())
}
