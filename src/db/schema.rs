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
