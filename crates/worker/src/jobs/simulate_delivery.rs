//! The simulator's delivery report: a simulated message is delivered a moment after it is sent.

use chrono::Utc;
use textdesk_db::DbError;
use textdesk_db::messages::{self, DeliveryChanges};
use textdesk_types::MessageId;
use textdesk_types::messages::MessageStatus;

use super::Next;
use crate::WorkerContext;

pub(crate) fn run(context: &WorkerContext, message_id: &MessageId) -> anyhow::Result<Next> {
    context.db.write(|conn| -> Result<(), DbError> {
        let message = match messages::find(conn, message_id) {
            Ok(message) => message,
            Err(DbError::NotFound) => return Ok(()),
            Err(other) => return Err(other),
        };
        if message.status.advances_to(MessageStatus::Delivered) {
            let changes = DeliveryChanges {
                status: Some(MessageStatus::Delivered),
                delivered_at: Some(Some(Utc::now().naive_utc())),
                ..Default::default()
            };
            let updated = messages::update_delivery(conn, &message.id, &changes)?;
            messages::announce_status(conn, &updated)?;
        }
        Ok(())
    })?;
    Ok(Next::Done)
}
