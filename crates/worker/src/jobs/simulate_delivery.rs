//! The simulator's delivery report: a simulated message is delivered a moment after it is sent.

use chrono::Utc;
use textdesk_db::DbError;
use textdesk_db::messages::{self, DeliveryChanges};
use textdesk_providers::DeliveryStatus;

use super::Next;
use crate::WorkerContext;

pub(crate) fn run(context: &WorkerContext, message_id: &str) -> anyhow::Result<Next> {
    context.db.write(|conn| -> Result<(), DbError> {
        let message = match messages::find(conn, message_id) {
            Ok(message) => message,
            Err(DbError::NotFound) => return Ok(()),
            Err(other) => return Err(other),
        };
        let advances =
            DeliveryStatus::parse(&message.status).is_some_and(|status| status.advances_to(DeliveryStatus::Delivered));
        if advances {
            let changes = DeliveryChanges {
                status: Some(DeliveryStatus::Delivered.as_str().to_owned()),
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
