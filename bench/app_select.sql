-- Application traffic (pgbench custom script): read one user by id.
\set id random(1, :maxid)
SELECT * FROM "User" WHERE id = :id;
