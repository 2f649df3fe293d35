//! Handlers, one module per resource. `v1` registers everything under `/api/v1`.

pub mod agents;
pub mod api_keys;
pub mod assignment_rules;
pub mod audit_log;
pub mod auth;
pub mod consent;
pub mod contact_imports;
pub mod contacts;
pub mod conversations;
pub mod custom_fields;
pub mod events;
pub mod exports;
pub mod groups;
pub mod health;
pub mod mail;
pub mod me;
pub mod media;
pub mod messages;
pub mod numbers;
pub mod organization;
pub mod presence;
pub mod quick_replies;
pub mod search;
pub mod segments;
pub mod setup;
pub mod simulator;
pub mod views;
pub mod webhook_endpoints;
pub mod webhooks;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn v1(config: &mut ServiceConfig) {
    config
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::confirm_password_reset)
        .service(mail::request_password_reset)
        .service(mail::list_mails)
        .service(mail::get_mail)
        .service(mail::answer_mail)
        .service(mail::unsubscribe)
        .service(setup::setup_status)
        .service(setup::create_workspace)
        .service(me::get_me)
        .service(me::update_me)
        .service(me::change_password)
        .service(me::upload_avatar)
        .service(me::delete_avatar)
        .service(agents::list_agents)
        .service(agents::create_agent)
        .service(agents::get_agent)
        .service(agents::update_agent)
        .service(agents::issue_password_reset)
        .service(agents::get_avatar)
        .service(api_keys::list_api_keys)
        .service(api_keys::create_api_key)
        .service(api_keys::revoke_api_key)
        .service(webhook_endpoints::list_webhook_endpoints)
        .service(webhook_endpoints::create_webhook_endpoint)
        .service(webhook_endpoints::get_webhook_endpoint)
        .service(webhook_endpoints::update_webhook_endpoint)
        .service(webhook_endpoints::delete_webhook_endpoint)
        .service(webhook_endpoints::rotate_webhook_secret)
        .service(webhook_endpoints::list_webhook_deliveries)
        .service(webhook_endpoints::get_webhook_delivery)
        .service(webhook_endpoints::redeliver_webhook)
        .service(groups::list_groups)
        .service(groups::create_group)
        .service(groups::get_group)
        .service(groups::update_group)
        .service(groups::delete_group)
        .service(groups::add_member)
        .service(groups::remove_member)
        .service(organization::get_organization)
        .service(organization::update_organization)
        .service(audit_log::list_audit_log)
        .service(numbers::list_numbers)
        .service(numbers::create_number)
        .service(numbers::get_number)
        .service(numbers::update_number)
        .service(contacts::list_contacts)
        .service(contacts::create_contact)
        .service(contacts::get_contact)
        .service(contacts::update_contact)
        .service(contacts::upsert_contact)
        .service(contacts::get_thread)
        .service(contact_imports::list_imports)
        .service(contact_imports::sample_file)
        .service(contact_imports::check_import)
        .service(contact_imports::get_import)
        .service(contact_imports::list_issues)
        .service(contact_imports::import_report)
        .service(contact_imports::start_import)
        .service(custom_fields::list_custom_fields)
        .service(custom_fields::create_custom_field)
        .service(custom_fields::delete_custom_field)
        .service(custom_fields::list_labels)
        .service(consent::opt_out)
        .service(consent::opt_in)
        .service(consent::record_consent)
        .service(consent::consent_history)
        .service(conversations::list_conversations)
        .service(search::search_conversations)
        .service(conversations::mark_all_read)
        .service(conversations::start_conversation)
        .service(conversations::get_conversation)
        .service(conversations::send_message)
        .service(conversations::add_note)
        .service(conversations::push_note)
        .service(conversations::mark_read)
        .service(conversations::mark_unread)
        .service(messages::send_to_phone)
        .service(conversations::close_conversation)
        .service(conversations::claim_conversation)
        .service(conversations::transfer_conversation)
        .service(conversations::update_conversation)
        .service(conversations::delete_conversation)
        .service(conversations::bulk_update)
        .service(quick_replies::list_quick_replies)
        .service(quick_replies::create_quick_reply)
        .service(quick_replies::update_quick_reply)
        .service(quick_replies::delete_quick_reply)
        .service(views::list_views)
        .service(views::create_view)
        .service(views::preview_view)
        .service(views::update_view)
        .service(views::delete_view)
        .service(presence::list_online)
        .service(presence::heartbeat)
        .service(presence::leave)
        .service(assignment_rules::list_rules)
        .service(assignment_rules::create_rule)
        .service(assignment_rules::delete_rule)
        .service(messages::retry_message)
        .service(segments::count_segments)
        .service(events::list_events)
        .service(exports::export_messages)
        .service(simulator::send_as_customer)
        .service(simulator::handset_messages)
        .service(simulator::handset_relay_texts)
        .service(media::upload_media)
        .service(media::get_media);
}
