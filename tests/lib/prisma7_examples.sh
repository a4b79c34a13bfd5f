# shellcheck shell=bash
# Sourced by the tests that run the real Prisma 7 CLI on the examples
# (tests/e2e/prisma7_*.sh), after testlib.sh: what they share.
#
#   p7_seed NAME DB    the data example NAME's baseline table gets before its lifecycle
#   p7_ledger DB       the ledger rows in force (not rolled back), as far as two runs can
#                      agree: ids and timestamps differ, their shape does not
#   p7_dump DB         the schema without the ledger table, for comparing two databases
#   p7_rows DB         how many ledger rows there are

p7_seed() {
  case $1 in
    user_status) tl_psql "$2" -c "INSERT INTO \"User\"(email, legacy_status) SELECT 'u'||g, CASE WHEN g%2=0 THEN NULL ELSE 'gold' END FROM generate_series(1,5000) g" ;;
    rename_column) tl_psql "$2" -c "INSERT INTO \"Customer\"(fullname) SELECT 'n'||g FROM generate_series(1,5000) g" ;;
    change_type) tl_psql "$2" -c "INSERT INTO \"Order\"(amount_cents) SELECT g FROM generate_series(1,5000) g" ;;
    post_constraints) tl_psql "$2" -c "INSERT INTO \"User\"(email) VALUES ('a'); INSERT INTO \"Post\"(title, slug, \"authorId\") SELECT 't'||g, 's'||g, 1 FROM generate_series(1,5000) g" ;;
    hostile_names) tl_psql "$2" -c "INSERT INTO app.\"we\"\"ird\"(\"old name\") SELECT CASE WHEN g%2=0 THEN NULL ELSE 'x' END FROM generate_series(1,5000) g" ;;
    prisma7_project) tl_psql "$2" -c "INSERT INTO \"User\"(email) SELECT 'User.'||g||'@x' FROM generate_series(1,5000) g" ;;
  esac
}

p7_ledger() {
  tl_psql "$1" -c "SELECT migration_name, checksum, finished_at IS NOT NULL, started_at <= finished_at, applied_steps_count,
                          logs IS NULL, length(id) FROM _prisma_migrations WHERE rolled_back_at IS NULL ORDER BY migration_name"
}

p7_dump() { pg_dump --schema-only --no-owner -d "$1" -T _prisma_migrations | grep -v '^\\\(un\)\?restrict'; }

p7_rows() { tl_psql "$1" -c "SELECT count(*) FROM _prisma_migrations"; }
