#!/usr/bin/env bash
# Every emitted file under both ways a Prisma CLI runs a migration.sql
# (tests/prisma/README.md, "How each kind of emitted file runs"): Prisma 6.19
# sends the whole file as one query (one implicit transaction); Prisma 7.4+
# splits it into statements and runs each in autocommit, with no transaction
# around them (tests/tools/split_run.c does that with PostgreSQL's parser).
# For every example, each step's UP and then each DOWN part in reverse run
# both ways, and must give the same end state. Before each transactional
# file runs, a failure is injected in the middle of it (a statement that
# fails, between two of its DDL statements) on a copy of the database: under
# both ways it must fail and leave the schema exactly as it was.
source "$(dirname "$0")/../lib/testlib.sh"

EX=$MIGPLAN_SOURCE_DIR/examples
[ -x "${SPLIT_RUN:-}" ] || { tl_fail "no split_run tool (tests/tools, built with migrun's libpq)"; exit 1; }
export PGOPTIONS="-c migplan.skip_time_gates=on" # no ledger here: the min_age guards are tested elsewhere

# run MODE DB FILE: as Prisma 6 (whole) or Prisma 7 (split) runs it.
run() {
  if [ "$1" = whole ]; then
    psql -X -q -v ON_ERROR_STOP=1 -d "$2" -c "$(cat "$3")" >/dev/null 2>&1
  else
    PGDATABASE=$2 "$SPLIT_RUN" "$3" >/dev/null 2>&1
  fi
}
schema() { pg_dump --schema-only --no-owner --restrict-key=migplan -d "$1"; }
state() { schema "$1"; pg_dump --data-only --inserts --rows-per-insert=1 --restrict-key=migplan -d "$1" | grep '^INSERT' | sort; }

# inject FILE OUT: FILE with a failing statement before the middle one of its
# DDL statements (lines that start one at column 0), or after the only one.
inject() {
  awk -v fail='DROP TABLE migplan_injected_failure;' '
    NR == FNR { if ($0 ~ /^(ALTER|CREATE|DROP|COMMENT) /) n++; next }
    FNR == 1 { k = n >= 2 ? int(n / 2) + 1 : 0; seen = 0; after = 0 }
    /^(ALTER|CREATE|DROP|COMMENT) / { seen++; if (k && seen == k) print fail; if (!k && seen == 1) after = 1 }
    { print }
    after && /;$/ { print fail; after = 0 }
  ' "$1" "$1" > "$2"
}


seq_db=0
# fault MODE DB FILE WHAT: the injected failure leaves DB's schema as it was.
fault() {
  seq_db=$((seq_db + 1))
  local copy=${2}_f$seq_db bad
  bad=$(mktemp)
  inject "$3" "$bad"
  if ! grep -q migplan_injected_failure "$bad"; then rm -f "$bad"; tl_fail "$4: no DDL statement to inject a failure beside"; return; fi
  tl_psql postgres -c "CREATE DATABASE \"$copy\" TEMPLATE \"$2\"" >/dev/null
  local before after rc=0
  before=$(schema "$copy")
  run "$1" "$copy" "$bad" || rc=$?
  after=$(schema "$copy")
  tl_psql postgres -c "DROP DATABASE \"$copy\"" >/dev/null
  rm -f "$bad"
  if [ "$rc" -ne 0 ] && [ "$before" = "$after" ]; then
    faults_ok=$((faults_ok + 1))
  else
    tl_fail "$4 ($1): a failure in its middle exited $rc and left: $(diff <(echo "$before") <(echo "$after") | head -5)"
  fi
}

seed_user_status='INSERT INTO "User"(email, legacy_status) SELECT $$u$$||g, CASE WHEN g%3=0 THEN NULL ELSE $$s$$||(g%5) END FROM generate_series(1,2000) g'
seed_rename_column='INSERT INTO "Customer"(fullname) SELECT $$name $$||g FROM generate_series(1,2000) g'
seed_change_type='INSERT INTO "Order"(amount_cents) SELECT g * 7 FROM generate_series(1,2000) g'
seed_post_constraints='INSERT INTO "User"(email) SELECT $$u$$||g FROM generate_series(1,100) g;
  INSERT INTO "Post"(title, slug, "authorId") SELECT $$t$$||g, $$s$$||g, g%100+1 FROM generate_series(1,2000) g'
seed_prisma7_project='INSERT INTO "User"(email) SELECT $$User.$$||g||$$@x$$ FROM generate_series(1,2000) g'
seed_required_category='INSERT INTO "Post"(title, body) SELECT CASE WHEN g%3=0 THEN NULL ELSE $$t$$||g END, $$b$$ FROM generate_series(1,2000) g'
seed_hostile_names='INSERT INTO app."we""ird"("old name") SELECT CASE WHEN g%3=0 THEN NULL WHEN g%3=1 THEN $$x$$ ELSE $$y$$ END FROM generate_series(1,2000) g'

for name in user_status rename_column change_type post_constraints hostile_names prisma7_project required_category; do
  mig=$(tl_example_migrations "$EX/$name")
  m=$mig/migplan.manifest.json
  seed=seed_$name
  declare -A up_state=() down_state=()
  for mode in whole split; do
    faults_ok=0 wanted=0
    db=$(tl_newdb "x_${name}_$mode")
    run "$mode" "$db" "$mig/20240101000000_baseline/migration.sql" || tl_fail "$name ($mode): baseline"
    tl_psql "$db" -c "${!seed}" >/dev/null
    ok=1
    while read -r id tx; do
      if [ "$tx" = true ]; then wanted=$((wanted + 1)); fault "$mode" "$db" "$mig/$id/migration.sql" "$name $id UP"; fi
      run "$mode" "$db" "$mig/$id/migration.sql" || { ok=0; tl_fail "$name ($mode): $id UP failed"; }
    done < <(jq -r '.steps[] | "\(.id) \(.transactional)"' "$m")
    up_state[$mode]=$(state "$db")
    while read -r id tx; do
      dir=$(mktemp -d)
      tl_sql_parts "$mig/$id/down.sql" "$dir"
      for part in "$dir"/*; do
        # a transactional part is one DO block without COMMIT (a refill part commits per batch)
        if [ "$tx" = true ] && ! grep -q '^    COMMIT;$' "$part" && grep -q '^DO ' "$part"; then
          wanted=$((wanted + 1)); fault "$mode" "$db" "$part" "$name $id DOWN part $(basename "$part")"
        fi
        run "$mode" "$db" "$part" || { ok=0; tl_fail "$name ($mode): $id DOWN part $(basename "$part") failed"; }
      done
      rm -rf "$dir"
    done < <(jq -r '.steps[] | "\(.id) \(.transactional)"' "$m" | tac)
    down_state[$mode]=$(state "$db")
    [ "$ok" = 1 ] && tl_pass "$name ($mode): every UP, then every DOWN part in reverse, runs"
    tl_assert_eq "$wanted" "$faults_ok" "$name ($mode): a failure in the middle of each transactional file leaves nothing behind ($faults_ok files)"
  done
  tl_assert_eq "${up_state[whole]}" "${up_state[split]}" "$name: after the UPs, the same schema and data both ways"
  tl_assert_eq "${down_state[whole]}" "${down_state[split]}" "$name: after the DOWNs, the same schema and data both ways"
  unset up_state down_state
done
