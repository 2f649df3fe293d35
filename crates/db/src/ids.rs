//! New row ids: UUIDv7, so ids sort by creation time and serve as keyset cursors.

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
