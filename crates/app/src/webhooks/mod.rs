//! Outbound webhooks: the endpoints admins register ([`endpoints`]) and each delivery's
//! attempts, retries and order ([`delivery`]), run by the worker through the durable job
//! queue. Events are announced in the transactions of the changes they report
//! (`textdesk_db::webhook_outbox`).

pub mod delivery;
pub mod endpoints;
