//! Diesel's view of the tables. Written by hand to match both `migrations/` folders;
//! portable column types only (text, integer, bigint, boolean, timestamp); `UuidText` is text
//! holding a UUID (see `column_types`).

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    admin_units (scheme, level, code) {
        scheme -> Text,
        level -> Text,
        code -> Integer,
        name -> Text,
        name_folded -> Text,
        parent_level -> Nullable<Text>,
        parent_code -> Nullable<Integer>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    authorities (id) {
        id -> UuidText,
        code -> Text,
        name -> Text,
        name_folded -> Text,
        kind -> Text,
        phone -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    authority_units (authority_id, unit_scheme, unit_level, unit_code) {
        authority_id -> UuidText,
        unit_scheme -> Text,
        unit_level -> Text,
        unit_code -> Integer,
    }
}

diesel::joinable!(authority_units -> authorities (authority_id));
diesel::allow_tables_to_appear_in_same_query!(admin_units, authorities, authority_units);

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    users (id) {
        id -> UuidText,
        login -> Text,
        display_name -> Nullable<Text>,
        password_hash -> Text,
        role -> Text,
        authority_id -> Nullable<UuidText>,
        scope_scheme -> Nullable<Text>,
        scope_level -> Nullable<Text>,
        scope_code -> Nullable<Integer>,
        totp_secret -> Nullable<Text>,
        totp_enabled -> Bool,
        totp_last_step -> Nullable<BigInt>,
        disabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        login_sealed -> Nullable<Text>,
        pending_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    clients (id) {
        id -> UuidText,
        name -> Text,
        secret_hash -> Text,
        scopes -> Text,
        authority_id -> Nullable<UuidText>,
        revoked -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    sessions (id) {
        id -> UuidText,
        user_id -> Nullable<UuidText>,
        client_id -> Nullable<UuidText>,
        stage -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        cookie_hash -> Nullable<Text>,
        last_seen_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    console_sign_ins (token_hash) {
        token_hash -> Text,
        user_id -> UuidText,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> UuidText,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    login_throttle (bucket) {
        bucket -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(users, sessions, clients, refresh_tokens, authorities, console_sign_ins);

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    routing_rules (id) {
        id -> UuidText,
        matter -> Nullable<Text>,
        unit_scheme -> Text,
        unit_level -> Text,
        unit_code -> Integer,
        authority_id -> UuidText,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    commune_boxes (scheme, code) {
        scheme -> Text,
        code -> Integer,
        lat_e6 -> BigInt,
        lon_e6 -> BigInt,
        min_lat_e6 -> BigInt,
        min_lon_e6 -> BigInt,
        max_lat_e6 -> BigInt,
        max_lon_e6 -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    cases (id) {
        id -> UuidText,
        authority_id -> UuidText,
        status -> Text,
        routing_rule_id -> Nullable<UuidText>,
        routing_explanation -> Text,
        location_flagged -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        reference -> Nullable<Text>,
        matter -> Nullable<Text>,
        unit_scheme -> Nullable<Text>,
        commune_code -> Nullable<Integer>,
        district_code -> Nullable<Integer>,
        province_code -> Nullable<Integer>,
        priority -> Text,
        priority_rank -> Integer,
        assignee_id -> Nullable<UuidText>,
        outcome -> Nullable<Text>,
        version -> BigInt,
        accept_due_at -> Nullable<Timestamp>,
        resolve_due_at -> Nullable<Timestamp>,
        accepted_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        merged_into -> Nullable<UuidText>,
        escalated_at -> Nullable<Timestamp>,
        search_text -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    case_notes (id) {
        id -> UuidText,
        case_id -> UuidText,
        author_id -> UuidText,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    case_transfers (id) {
        id -> UuidText,
        case_id -> UuidText,
        from_authority_id -> UuidText,
        to_authority_id -> UuidText,
        reason -> Text,
        state -> Text,
        proposed_by -> UuidText,
        decided_by -> Nullable<UuidText>,
        decision_note -> Nullable<Text>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    routing_state (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    audit_events (seq) {
        seq -> BigInt,
        object_type -> Text,
        object_id -> Text,
        position -> BigInt,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        summary -> Text,
        request_id -> Nullable<Text>,
        prev_hash -> Nullable<Text>,
        hash -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    reports (id) {
        id -> UuidText,
        reference -> Text,
        case_id -> UuidText,
        matter -> Text,
        unit_scheme -> Text,
        unit_code -> Integer,
        observed_from -> Timestamp,
        observed_to -> Timestamp,
        identity_mode -> Text,
        content -> Text,
        receipt_hash -> Nullable<Text>,
        submitted_by_user -> Nullable<UuidText>,
        submitted_by_client -> Nullable<UuidText>,
        created_at -> Timestamp,
        owner_index -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    reporter_contacts (report_id) {
        report_id -> UuidText,
        name_sealed -> Nullable<Text>,
        phone_sealed -> Nullable<Text>,
        acting_as_sealed -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    report_messages (id) {
        id -> UuidText,
        report_id -> UuidText,
        author -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    idempotency_keys (key_hash) {
        key_hash -> Text,
        request_hash -> Text,
        state -> Text,
        response_status -> Nullable<Integer>,
        response_sealed -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    reports,
    cases,
    report_messages,
    reporter_contacts,
    admin_units,
    commune_boxes
);

diesel::allow_tables_to_appear_in_same_query!(cases, case_notes, case_transfers, users);
diesel::allow_tables_to_appear_in_same_query!(cases, authorities);

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    outbox (id) {
        id -> UuidText,
        channel -> Text,
        payload_sealed -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sms_quota (number_digest, sent_at) {
        number_digest -> Text,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    one_time_codes (user_id, purpose) {
        user_id -> UuidText,
        purpose -> Text,
        code_digest -> Text,
        tries_left -> Integer,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::column_types::UuidText;

    trusted_devices (token_digest) {
        token_digest -> Text,
        user_id -> UuidText,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rate_counters (bucket, window_start) {
        bucket -> Text,
        window_start -> Timestamp,
        count -> Integer,
    }
}
