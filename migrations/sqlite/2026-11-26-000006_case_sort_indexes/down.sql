DROP INDEX cases_escalated_by_province;
DROP INDEX cases_escalated_by_authority;
DROP INDEX cases_by_province_priority;
DROP INDEX cases_by_authority_priority;
DROP INDEX cases_by_province_due;
DROP INDEX cases_by_authority_due;
