DROP TABLE authority_units;
DROP TABLE authorities;
DROP TABLE admin_units;
