//! The diesel schema, shared by both backends. It mirrors `migrations/*/up.sql`; the
//! `schema_check` test keeps both migration trees and this file in step.

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        consent_message_required -> Bool,
        consent_message_text -> Text,
        concatenation_allowed -> Bool,
        inbound_mms_allowed -> Bool,
        agents_may_delete -> Bool,
        exports_allowed -> Bool,
        drips_enabled -> Bool,
        notes_api_enabled -> Bool,
        distribution_list_limit -> Integer,
        waiting_for_reply_minutes -> Integer,
        help_text -> Text,
        opt_out_keywords -> Text,
        opt_in_keywords -> Text,
        help_keywords -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    setup_state (id) {
        id -> Integer,
        organization_id -> Text,
        completed_at -> Timestamp,
    }
}

diesel::table! {
    agents (id) {
        id -> Text,
        organization_id -> Text,
        email -> Text,
        password_hash -> Text,
        first_name -> Text,
        last_name -> Text,
        screenname -> Text,
        role -> Text,
        time_zone -> Text,
        idle_alert_seconds -> Integer,
        notify_transfer_mine -> Bool,
        notify_transfer_group -> Bool,
        notify_message_mine -> Bool,
        notify_message_group -> Bool,
        mobile_number -> Nullable<Text>,
        disabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agent_avatars (agent_id) {
        agent_id -> Text,
        organization_id -> Text,
        content_type -> Text,
        bytes -> Binary,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agent_groups (id) {
        id -> Text,
        organization_id -> Text,
        name -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agent_group_members (group_id, agent_id) {
        group_id -> Text,
        agent_id -> Text,
        organization_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        organization_id -> Text,
        agent_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    password_reset_tokens (id) {
        id -> Text,
        organization_id -> Text,
        agent_id -> Text,
        token_hash -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        organization_id -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        target_type -> Text,
        target_id -> Text,
        detail -> Text,
        client_address -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        email -> Text,
        client_address -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(agents -> organizations (organization_id));
diesel::joinable!(agent_group_members -> agent_groups (group_id));
diesel::joinable!(agent_group_members -> agents (agent_id));

diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    setup_state,
    agents,
    agent_avatars,
    agent_groups,
    agent_group_members,
    refresh_tokens,
    password_reset_tokens,
    audit_log,
    login_failures,
);
