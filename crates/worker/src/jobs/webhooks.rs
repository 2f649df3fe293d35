//! Making a webhook delivery's next attempt; the rules are `textdesk_app::webhooks::delivery`.

use textdesk_app::webhooks::delivery::{self, Step};
use textdesk_types::WebhookDeliveryId;

use super::Next;
use crate::WorkerContext;

pub(crate) fn run(context: &WorkerContext, delivery_id: &WebhookDeliveryId) -> anyhow::Result<Next> {
    let app = context.app();
    Ok(
        match delivery::attempt(&app, &context.secrets, &context.webhooks, delivery_id)? {
            Step::Done => Next::Done,
            Step::RetryAt(at, why) => Next::RetryAt(at, why),
            Step::WaitUntil(at) => Next::DeferUntil(at),
        },
    )
}
