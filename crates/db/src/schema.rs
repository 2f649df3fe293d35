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
        next_conversation_number -> BigInt,
        opt_in_by_keyword -> Bool,
        double_opt_in -> Bool,
        double_opt_in_text -> Text,
        opt_out_confirmation_text -> Text,
        opt_in_confirmation_text -> Text,
        quiet_hours_start_minute -> Integer,
        quiet_hours_end_minute -> Integer,
        mms_text_only -> Bool,
        name_tags_in_first_message -> Bool,
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
        relay_number_id -> Nullable<Text>,
        relay_enabled -> Bool,
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
        round_robin -> Bool,
    }
}

diesel::table! {
    agent_group_members (group_id, agent_id) {
        group_id -> Text,
        agent_id -> Text,
        organization_id -> Text,
        created_at -> Timestamp,
        last_assigned_at -> Nullable<Timestamp>,
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

diesel::table! {
    numbers (id) {
        id -> Text,
        organization_id -> Text,
        phone_number -> Text,
        label -> Text,
        provider -> Text,
        account_sid -> Nullable<Text>,
        auth_token_sealed -> Nullable<Text>,
        enabled -> Bool,
        auto_assign_agent_id -> Nullable<Text>,
        auto_assign_group_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        send_rate_per_second -> Integer,
        relay -> Bool,
    }
}

diesel::table! {
    relay_messages (id) {
        id -> Text,
        organization_id -> Text,
        agent_id -> Text,
        number_id -> Text,
        direction -> Text,
        agent_phone -> Text,
        body -> Text,
        conversation_id -> Nullable<Text>,
        status -> Text,
        provider_message_id -> Nullable<Text>,
        error -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    contacts (id) {
        id -> Text,
        organization_id -> Text,
        phone_number -> Text,
        first_name -> Text,
        last_name -> Text,
        company -> Text,
        email -> Nullable<Text>,
        custom_fields -> Text,
        labels -> Text,
        opted_out -> Bool,
        opted_out_at -> Nullable<Timestamp>,
        consent -> Text,
        last_number_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        time_zone -> Nullable<Text>,
        consent_message_sent_at -> Nullable<Timestamp>,
        opt_in_requested_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    conversations (id) {
        id -> Text,
        organization_id -> Text,
        contact_id -> Text,
        number -> BigInt,
        status -> Text,
        opened_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        closed_by -> Nullable<Text>,
        last_message_at -> Timestamp,
        last_message_preview -> Text,
        last_direction -> Nullable<Text>,
        owner_agent_id -> Nullable<Text>,
        owner_group_id -> Nullable<Text>,
        follow_up -> Bool,
        waiting_since -> Nullable<Timestamp>,
        last_text_direction -> Nullable<Text>,
        last_outbound_author -> Nullable<Text>,
        awaiting_agent -> Bool,
        number_id -> Nullable<Text>,
    }
}

diesel::table! {
    messages (id) {
        id -> Text,
        organization_id -> Text,
        conversation_id -> Text,
        contact_id -> Text,
        number_id -> Nullable<Text>,
        direction -> Text,
        body -> Text,
        from_number -> Text,
        to_number -> Text,
        author_kind -> Text,
        author_id -> Nullable<Text>,
        provider_account -> Nullable<Text>,
        provider_message_id -> Nullable<Text>,
        status -> Text,
        error_code -> Nullable<Text>,
        error_message -> Nullable<Text>,
        segments -> Integer,
        encoding -> Text,
        lane -> Integer,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        purpose -> Text,
        scheduled_at -> Nullable<Timestamp>,
        attempted_at -> Nullable<Timestamp>,
        source -> Nullable<Text>,
        author_label -> Nullable<Text>,
    }
}

diesel::table! {
    consent_changes (id) {
        id -> Text,
        organization_id -> Text,
        contact_id -> Text,
        field -> Text,
        old_value -> Text,
        new_value -> Text,
        source -> Text,
        keyword -> Nullable<Text>,
        agent_id -> Nullable<Text>,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    unread_conversations (agent_id, conversation_id) {
        agent_id -> Text,
        conversation_id -> Text,
        organization_id -> Text,
        marked -> Bool,
        status -> Text,
        owner_agent_id -> Nullable<Text>,
        owner_group_id -> Nullable<Text>,
        follow_up -> Bool,
        waiting_since -> Nullable<Timestamp>,
    }
}

diesel::table! {
    unread_tallies (id) {
        id -> BigInt,
        agent_id -> Text,
        organization_id -> Text,
        status -> Text,
        owner_agent_id -> Nullable<Text>,
        owner_group_id -> Nullable<Text>,
        follow_up -> Bool,
        waiting -> Bool,
        n -> Integer,
        compacted -> Bool,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        organization_id -> Nullable<Text>,
        kind -> Text,
        payload -> Text,
        lane -> Integer,
        run_at -> Timestamp,
        attempts -> Integer,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        message_id -> Nullable<Text>,
    }
}

diesel::table! {
    events (seq) {
        seq -> BigInt,
        tx -> BigInt,
        organization_id -> Text,
        agent_id -> Nullable<Text>,
        kind -> Text,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    media (id) {
        id -> Text,
        organization_id -> Text,
        message_id -> Nullable<Text>,
        content_type -> Text,
        size_bytes -> BigInt,
        bytes -> Nullable<Binary>,
        source_url -> Nullable<Text>,
        status -> Text,
        error -> Nullable<Text>,
        access_token -> Nullable<Text>,
        access_expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    feed_purges (organization_id) {
        organization_id -> Text,
        tx -> BigInt,
        seq -> BigInt,
        purged_at -> Timestamp,
    }
}

diesel::table! {
    assignment_rules (id) {
        id -> Text,
        organization_id -> Text,
        number_id -> Nullable<Text>,
        pattern -> Text,
        agent_id -> Nullable<Text>,
        group_id -> Nullable<Text>,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    presence (agent_id, tab_id) {
        agent_id -> Text,
        tab_id -> Text,
        organization_id -> Text,
        seen_at -> Timestamp,
        conversation_id -> Nullable<Text>,
    }
}

diesel::table! {
    mails (id) {
        id -> Text,
        organization_id -> Text,
        agent_id -> Nullable<Text>,
        kind -> Text,
        to_address -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        message_id -> Text,
        thread_root -> Nullable<Text>,
        conversation_id -> Nullable<Text>,
        reply_to -> Nullable<Text>,
        reply_token_hash -> Nullable<Text>,
        unsubscribe_url -> Nullable<Text>,
        unsubscribe_token_hash -> Nullable<Text>,
        topics -> Text,
        status -> Text,
        smtp_response -> Nullable<Text>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_batches (agent_id, conversation_id) {
        agent_id -> Text,
        conversation_id -> Text,
        organization_id -> Text,
        topics -> Text,
        transfers -> Text,
        since -> Timestamp,
        first_at -> Timestamp,
        last_at -> Timestamp,
    }
}

diesel::table! {
    received_mails (message_id) {
        message_id -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    password_reset_requests (id) {
        id -> Text,
        email -> Text,
        client_address -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    custom_fields (id) {
        id -> Text,
        organization_id -> Text,
        name -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    labels (organization_id, name) {
        organization_id -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    quick_replies (id) {
        id -> Text,
        organization_id -> Text,
        owner_agent_id -> Nullable<Text>,
        title -> Text,
        body -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        organization_id -> Text,
        label -> Text,
        prefix -> Text,
        secret_hash -> Text,
        scopes -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        requests_per_minute -> Integer,
    }
}

diesel::table! {
    api_key_minutes (key_id, minute) {
        key_id -> Text,
        minute -> Timestamp,
        requests -> Integer,
    }
}

diesel::table! {
    contact_imports (id) {
        id -> Text,
        organization_id -> Text,
        created_by -> Text,
        file_name -> Text,
        status -> Text,
        add_country_code -> Bool,
        existing -> Nullable<Text>,
        column_map -> Text,
        preview -> Text,
        file -> Nullable<Binary>,
        rows_total -> Integer,
        rows_valid -> Integer,
        rows_existing -> Integer,
        rows_done -> Integer,
        created -> Integer,
        updated -> Integer,
        skipped -> Integer,
        failed -> Integer,
        issues -> Integer,
        error -> Nullable<Text>,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    contact_import_issues (import_id, seq) {
        import_id -> Text,
        seq -> Integer,
        row_number -> Integer,
        number_cell -> Text,
        column_heading -> Nullable<Text>,
        code -> Text,
        message -> Text,
        outcome -> Text,
    }
}

diesel::table! {
    idempotency_keys (scope, idempotency_key) {
        scope -> Text,
        idempotency_key -> Text,
        organization_id -> Text,
        fingerprint -> Text,
        created_at -> Timestamp,
        locked_at -> Nullable<Timestamp>,
        response_status -> Nullable<Integer>,
        response_headers -> Nullable<Text>,
        response_body -> Nullable<Binary>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        organization_id -> Text,
        url -> Text,
        description -> Text,
        event_types -> Text,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_expires_at -> Nullable<Timestamp>,
        enabled -> Bool,
        disabled_at -> Nullable<Timestamp>,
        disabled_reason -> Nullable<Text>,
        disabled_by -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> Text,
        organization_id -> Text,
        event_type -> Text,
        ordering_key -> Nullable<Text>,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        endpoint_id -> Text,
        event_id -> Text,
        ordering_key -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        leased_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_attempts (delivery_id, attempt) {
        delivery_id -> Text,
        attempt -> Integer,
        at -> Timestamp,
        response_status -> Nullable<Integer>,
        error -> Nullable<Text>,
        latency_ms -> Integer,
    }
}

diesel::table! {
    views (id) {
        id -> Text,
        organization_id -> Text,
        owner_agent_id -> Nullable<Text>,
        name -> Text,
        filter -> Text,
        position -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(agents -> organizations (organization_id));
diesel::joinable!(agent_group_members -> agent_groups (group_id));
diesel::joinable!(agent_group_members -> agents (agent_id));
diesel::joinable!(conversations -> contacts (contact_id));
diesel::joinable!(messages -> conversations (conversation_id));
diesel::joinable!(relay_messages -> numbers (number_id));
diesel::joinable!(webhook_deliveries -> webhook_events (event_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));

diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    api_keys,
    api_key_minutes,
    idempotency_keys,
    webhook_endpoints,
    webhook_events,
    webhook_deliveries,
    webhook_attempts,
    contact_imports,
    contact_import_issues,
    setup_state,
    agents,
    agent_avatars,
    agent_groups,
    agent_group_members,
    refresh_tokens,
    password_reset_tokens,
    password_reset_requests,
    received_mails,
    relay_messages,
    mails,
    notification_batches,
    audit_log,
    login_failures,
    numbers,
    contacts,
    conversations,
    messages,
    unread_conversations,
    unread_tallies,
    jobs,
    events,
    media,
    consent_changes,
    feed_purges,
    assignment_rules,
    presence,
    quick_replies,
    custom_fields,
    labels,
    views,
);
