#!/usr/bin/env bash
# A fleet rollout that fails in wave 2 stops there: exactly that target is
# failed, the last wave untouched; once the conflict is gone the rollout goes
# on (--retry-failed: the failed step was transactional). kill -9 in wave 3,
# then apply --fleet again: all 120 finish from the ledgers alone, with no
# duplicate ledger row anywhere. --continue-on-error on a small fleet.
source "$(dirname "$0")/../lib/testlib.sh"

TENANTS=${FLEET_TENANTS:-40}
work=$(tl_tmpdir)
cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/." "$work/"
cd "$work"
sed -i 's/set window = 72h;/set window = 1s;/' prisma/user_status.mig
"$MIGC" compile prisma/user_status.mig -o prisma/migrations >/dev/null
mig=prisma/migrations
expand=20250101120000_user_status_expand
dbs=("$(tl_newdb fleet_fa)" "$(tl_newdb fleet_fb)" "$(tl_newdb fleet_fc)")

# Tenant-major order: each wave spans the three databases.
{
  printf '[waves]\ncanary = 1\npercent = [10]\nparallel = 6\n\n'
  for n in $(seq 1 "$TENANTS"); do
    for d in 1 2 3; do
      printf '[target.d%d_t%02d]\nurl = "%s?schema=tenant_%d"\n\n' "$d" "$n" "$(tl_url "${dbs[$((d - 1))]}")" "$n"
    done
  done
} > fleet.toml
total=$((TENANTS * 3))

tl_run "$MIGRUN" apply --fleet fleet.toml -d "$mig" --to 20240101000000_baseline --json
tl_assert_eq 0 "$TL_RC" "baseline everywhere"
for db in "${dbs[@]}"; do
  tl_psql "$db" -c "DO \$\$ BEGIN FOR i IN 1..$TENANTS LOOP
    EXECUTE format('INSERT INTO %I.\"User\"(email, legacy_status) SELECT ''u''||g, CASE WHEN g%%3=0 THEN NULL ELSE ''s''||(g%%4) END FROM generate_series(1,1000) g', 'tenant_'||i);
  END LOOP; END \$\$"
done

# d2_t02 is the 5th target: in wave 2 (targets 2..12). A column status
# already there makes the expand step fail.
victim=d2_t02
victim_url="$(tl_url "${dbs[1]}")?schema=tenant_2"
tl_psql "${dbs[1]}" -c 'ALTER TABLE tenant_2."User" ADD COLUMN status text'

tl_run "$MIGRUN" apply --fleet fleet.toml -d "$mig" --allow-pending 10 --wait-gates 30s --json
tl_assert_eq 1 "$TL_RC" "a step failed on one target: exit 1"
tl_assert_eq "2 2 failed" "$(echo "$TL_OUT" | jq -r '"\(.stopped_after_wave) \(.waves_run) \(.targets[] | select(.name=="'$victim'") | .state)"')" \
  "the rollout stopped after wave 2, the victim failed"
tl_assert_eq "$((total - 12))" "$(echo "$TL_OUT" | jq '[.targets[] | select(.wave==3 and .state=="untouched")] | length')" \
  "no target of wave 3 was started"
tl_assert_contains "$TL_ERR" "the rollout stopped" "the error says the rollout stopped"

tl_run "$MIGRUN" status --fleet fleet.toml -d "$mig" --json
tl_assert_eq 5 "$TL_RC" "status --fleet: exit 5 with a failed target"
tl_assert_eq "$victim" "$(echo "$TL_OUT" | jq -r '[.targets[] | select(.state=="failed") | .name] | join(",")')" \
  "status --fleet: exactly that target failed"
tl_assert_eq "$((total - 12)) $((total - 12))" \
  "$(echo "$TL_OUT" | jq -r '"\([.targets[] | select(.wave==3)] | length) \([.targets[] | select(.wave==3 and .applied==1 and .pending==3)] | length)"')" \
  "status --fleet: wave 3 untouched (baseline only)"
tl_assert_eq 1 "$(echo "$TL_OUT" | jq '.totals.failed')" "status --fleet totals: 1 failed"
tl_run "$MIGRUN" status --fleet fleet.toml -d "$mig"
tl_assert_contains "$TL_OUT" "failed $expand" "the table names the failed migration"
tl_run "$MIGRUN" verify --fleet fleet.toml -d "$mig" --json
tl_assert_eq "5 1" "$TL_RC $(echo "$TL_OUT" | jq '[.targets[] | select(.ok|not)] | length')" "verify --fleet: exit 5, one target not ok"

# Remove the conflict. A plain rerun refuses, as under Prisma (a failed row);
# the failed step is a generated transactional one (nothing of it stayed), so
# --retry-failed marks its row rolled back and the rollout goes on.
tl_psql "${dbs[1]}" -c 'ALTER TABLE tenant_2."User" DROP COLUMN status'
tl_run "$MIGRUN" apply --fleet fleet.toml -d "$mig" --allow-pending 10
tl_assert_eq 5 "$TL_RC" "with the failed row still there a plain rerun refuses (exit 5)"

# Throttled backfills make wave 3 last long enough to be killed in.
out="$work/run.log"
MIGRUN_PLAIN=1 "$MIGRUN" apply --fleet fleet.toml -d "$mig" --allow-pending 10 --retry-failed --wait-gates 30s --max-rate 1500 > "$out" 2>&1 &
pid=$!
# Killed as soon as a backfill of wave 3 has finished, however long the waves
# before take: some targets are done with their expand and backfill, the
# others in flight are mid-step, most are not started.
wave3_backfilled() { sed -n '/^wave 3\/3/,$p' "$out" | grep -q 'applied 20250101120001'; }
tl_wait_for -p "$pid" "a backfill of wave 3 applied" wave3_backfilled || { tail -20 "$out"; exit 1; }
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
tl_assert_contains "$(cat "$out")" "marked rolled back to retry it (--retry-failed)" "the failed step was retried, and said so"
tl_assert_contains "$(cat "$out")" "wave 3/3: $((total - 12)) targets" "killed during wave 3"
tl_assert_not_contains "$(cat "$out")" "waves run:" "the run never reached its summary"
tl_run "$MIGRUN" status --fleet fleet.toml -d "$mig" --json
started=$(echo "$TL_OUT" | jq '[.targets[] | select(.wave==3 and .pending < 3)] | length')
echo "wave 3 targets started before the kill: $started of $((total - 12))"
tl_assert_eq "true true" "$(echo "$TL_OUT" | jq -r '"\([.targets[] | select(.wave==3 and .pending < 3)] | length > 0) \([.targets[] | select(.wave==3 and .pending == 3)] | length > 0)"')" \
  "after the kill wave 3 is half done: some targets started, some not"

tl_run "$MIGRUN" apply --fleet fleet.toml -d "$mig" --allow-pending 10 --wait-gates 30s --json
tl_assert_eq 0 "$TL_RC" "apply --fleet after kill -9: exit 0"
[ "$TL_RC" = 0 ] || echo "$TL_ERR" | tail -20
tl_assert_eq "0 0" "$(echo "$TL_OUT" | jq -r '"\(.totals.failed) \(.totals.waiting)"')" "nothing failed or waiting"

tl_run "$MIGRUN" status --fleet fleet.toml -d "$mig" --json
tl_assert_eq "0 $total" "$TL_RC $(echo "$TL_OUT" | jq .totals.up_to_date)" "status --fleet: all $total up to date"
dups=0
for db in "${dbs[@]}"; do
  q=""
  for t in $(seq 1 "$TENANTS"); do
    q="$q${q:+ UNION ALL }SELECT $t, count(*) - count(DISTINCT migration_name) + count(*) FILTER (WHERE finished_at IS NULL) FROM tenant_$t._prisma_migrations WHERE rolled_back_at IS NULL"
  done
  wrong=$(tl_psql "$db" -c "SELECT 'tenant_' || t || ': ' || x FROM ($q) s(t, x) WHERE x <> 0")
  [ -z "$wrong" ] || { echo "$db: duplicate or unfinished rows: $wrong"; dups=$((dups + $(echo "$wrong" | wc -l))); }
done
tl_assert_eq 0 "$dups" "no duplicate or unfinished ledger row on any target"
tl_assert_eq "0 1000" "$(tl_psql "${dbs[2]}" -c "SELECT (SELECT count(*) FROM information_schema.columns WHERE table_schema='tenant_$TENANTS' AND table_name='User' AND column_name='legacy_status') || ' ' || (SELECT count(*) FROM tenant_$TENANTS.\"User\" WHERE status IS NOT NULL)")" \
  "the last target: contract applied, every row has its status"

# --continue-on-error: a failing canary does not stop a small fleet. The
# example as shipped, with its 72h window: the others surely stop at it (with
# the 1s window a slow machine could be past it before the contract's gate).
small=$(tl_newdb fleet_small)
smig=$(tl_tmpdir)/migrations
cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/prisma/migrations" "$smig"
printf '[waves]\ncanary = 1\n' > small.toml
for n in 1 2 3; do printf '[target.s%d]\nurl = "%s?schema=s%d"\n' "$n" "$(tl_url "$small")" "$n" >> small.toml; done
tl_run "$MIGRUN" apply --fleet small.toml -d "$smig" --to 20240101000000_baseline
tl_psql "$small" -c 'ALTER TABLE s1."User" ADD COLUMN status text'
tl_run "$MIGRUN" apply --fleet small.toml -d "$smig" --allow-pending 10 --json
tl_assert_eq "1 failed untouched" "$TL_RC $(echo "$TL_OUT" | jq -r '[.targets[].state] | "\(.[0]) \(.[2])"')" \
  "without --continue-on-error a failed canary stops the rollout"
tl_run "$MIGRUN" apply --fleet small.toml -d "$smig" --allow-pending 10 --continue-on-error --json
tl_assert_eq "5 failed waiting waiting" "$TL_RC $(echo "$TL_OUT" | jq -r '[.targets[].state] | join(" ")')" \
  "--continue-on-error: the others go on (and wait on the window); exit of the failed one"
