-- migrations change schemas; databases are created and dropped by operators
DROP SCHEMA IF EXISTS "scratch";
