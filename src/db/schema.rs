//! Diesel's view of the tables. Written by hand to match both `migrations/` folders;
//! portable column types only (text, integer, bigint, boolean, timestamp).

diesel::table! {
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
    authorities (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        name_folded -> Text,
        kind -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    authority_units (authority_id, unit_scheme, unit_level, unit_code) {
        authority_id -> Text,
        unit_scheme -> Text,
        unit_level -> Text,
        unit_code -> Integer,
    }
}

diesel::joinable!(authority_units -> authorities (authority_id));
diesel::allow_tables_to_appear_in_same_query!(admin_units, authorities, authority_units);

diesel::table! {
    users (id) {
        id -> Text,
        login -> Text,
        display_name -> Nullable<Text>,
        password_hash -> Text,
        role -> Text,
        authority_id -> Nullable<Text>,
        scope_scheme -> Nullable<Text>,
        scope_level -> Nullable<Text>,
        scope_code -> Nullable<Integer>,
        totp_secret -> Nullable<Text>,
        totp_enabled -> Bool,
        totp_last_step -> Nullable<BigInt>,
        disabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    clients (id) {
        id -> Text,
        name -> Text,
        secret_hash -> Text,
        scopes -> Text,
        authority_id -> Nullable<Text>,
        revoked -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Nullable<Text>,
        client_id -> Nullable<Text>,
        stage -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttle (bucket) {
        bucket -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(users, sessions, clients, refresh_tokens, authorities);

diesel::table! {
    routing_rules (id) {
        id -> Text,
        matter -> Nullable<Text>,
        unit_scheme -> Text,
        unit_level -> Text,
        unit_code -> Integer,
        authority_id -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
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
    cases (id) {
        id -> Text,
        authority_id -> Text,
        status -> Text,
        routing_rule_id -> Nullable<Text>,
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
        assignee_id -> Nullable<Text>,
        outcome -> Nullable<Text>,
        version -> BigInt,
        accept_due_at -> Nullable<Timestamp>,
        resolve_due_at -> Nullable<Timestamp>,
        accepted_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        merged_into -> Nullable<Text>,
        escalated_at -> Nullable<Timestamp>,
        search_text -> Text,
    }
}

diesel::table! {
    case_notes (id) {
        id -> Text,
        case_id -> Text,
        author_id -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    case_transfers (id) {
        id -> Text,
        case_id -> Text,
        from_authority_id -> Text,
        to_authority_id -> Text,
        reason -> Text,
        state -> Text,
        proposed_by -> Text,
        decided_by -> Nullable<Text>,
        decision_note -> Nullable<Text>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    routing_state (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::table! {
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
    reports (id) {
        id -> Text,
        reference -> Text,
        case_id -> Text,
        matter -> Text,
        unit_scheme -> Text,
        unit_code -> Integer,
        observed_from -> Timestamp,
        observed_to -> Timestamp,
        identity_mode -> Text,
        content -> Text,
        receipt_hash -> Nullable<Text>,
        submitted_by_user -> Nullable<Text>,
        submitted_by_client -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reporter_contacts (report_id) {
        report_id -> Text,
        name_sealed -> Nullable<Text>,
        phone_sealed -> Nullable<Text>,
        acting_as_sealed -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    report_messages (id) {
        id -> Text,
        report_id -> Text,
        author -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
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
