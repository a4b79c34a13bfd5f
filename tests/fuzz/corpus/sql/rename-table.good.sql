-- the new name as a view while readers move over
CREATE VIEW "Account" AS SELECT * FROM "User";
