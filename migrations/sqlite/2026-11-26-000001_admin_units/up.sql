-- Administrative units, identified by (scheme, level, code): codes repeat across tiers and
-- were reused by the 2025 reform.
CREATE TABLE admin_units (
    scheme TEXT NOT NULL CHECK (scheme IN ('2024', '2025')),
    level TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    code INTEGER NOT NULL CHECK (code BETWEEN 1 AND 99999),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- lower-case ASCII form of name, for searches that ignore diacritics
    name_folded TEXT NOT NULL,
    parent_level TEXT,
    parent_code INTEGER,
    PRIMARY KEY (scheme, level, code),
    FOREIGN KEY (scheme, parent_level, parent_code) REFERENCES admin_units (scheme, level, code)
);
CREATE INDEX admin_units_by_parent ON admin_units (scheme, parent_level, parent_code, level, code);

-- Who receives cases. The jurisdiction is the set of units in authority_units.
CREATE TABLE authorities (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    name_folded TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('district', 'province', 'border_guard', 'health', 'other')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE authority_units (
    authority_id TEXT NOT NULL REFERENCES authorities (id) ON DELETE CASCADE,
    unit_scheme TEXT NOT NULL,
    unit_level TEXT NOT NULL,
    unit_code INTEGER NOT NULL,
    PRIMARY KEY (authority_id, unit_scheme, unit_level, unit_code),
    FOREIGN KEY (unit_scheme, unit_level, unit_code) REFERENCES admin_units (scheme, level, code)
);
CREATE INDEX authority_units_by_unit ON authority_units (unit_scheme, unit_level, unit_code);
