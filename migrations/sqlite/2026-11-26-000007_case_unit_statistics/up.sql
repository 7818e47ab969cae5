-- Kept in step with the PostgreSQL migration of the same name. Its functional-dependency
-- statistics have no SQLite counterpart, and SQLite already reads these lists by index
-- (the plans in bench/cases.sh).
SELECT 1;
