#!/usr/bin/env bash
# apply --fleet on 3 databases x 40 tenant schemas = 120 targets (80 named in
# the fleet file, 40 listed by a query on a control database): the canonical
# example with a 1s dual-write window and 1000 rows per tenant. Every target
# ends with the right schema, data and ledger; status --fleet and verify
# --fleet agree; the real Prisma CLI on one tenant schema says up to date.
source "$(dirname "$0")/../lib/testlib.sh"

TENANTS=${FLEET_TENANTS:-40}
work=$(tl_tmpdir)
cp -r "$MIGPLAN_SOURCE_DIR/examples/user_status/." "$work/"
cd "$work"
sed -i 's/set window = 72h;/set window = 1s;/' prisma/user_status.mig
"$MIGC" compile prisma/user_status.mig -o prisma/migrations >/dev/null
mig=prisma/migrations
dbs=("$(tl_newdb fleet_a)" "$(tl_newdb fleet_b)" "$(tl_newdb fleet_c)")
control=$(tl_newdb fleet_control)

# Databases 1 and 2 in the file, interleaved so that every wave spans both;
# database 3 from the control database's tenants table.
{
  printf '# %s targets\n[waves]\ncanary = 1\npercent = [10]\nparallel = 8\n\n' $((TENANTS * 3))
  for n in $(seq 1 "$TENANTS"); do
    for d in 1 2; do
      printf '[target.d%d_t%02d]\nurl = "%s?schema=tenant_%d"\nlabels = { region = "%s", tier = "std" }\n\n' \
        "$d" "$n" "$(tl_url "${dbs[$((d - 1))]}")" "$n" "$([ "$d" = 1 ] && echo eu || echo us)"
    done
  done
  printf '[query.third]\ncontrol_url = "%s"\nsql = "SELECT url, name, region FROM tenants ORDER BY n"\n' "$(tl_url "$control")"
} > fleet.toml
tl_psql "$control" -c "CREATE TABLE tenants(n int, name text, url text, region text)"
tl_psql "$control" -c "INSERT INTO tenants SELECT g, format('d3_t%s', lpad(g::text, 2, '0')), '$(tl_url "${dbs[2]}")?schema=tenant_' || g, 'ap' FROM generate_series(1, $TENANTS) g"

# The baseline everywhere, then 1000 rows per tenant.
tl_run "$MIGRUN" apply --fleet fleet.toml -d "$mig" --to 20240101000000_baseline --json
tl_assert_eq 0 "$TL_RC" "baseline rolled out to every target"
tl_assert_eq $((TENANTS * 3)) "$(echo "$TL_OUT" | jq '.totals.applied')" "baseline: every target applied"
for db in "${dbs[@]}"; do
  tl_psql "$db" -c "DO \$\$ BEGIN FOR i IN 1..$TENANTS LOOP
    EXECUTE format('INSERT INTO %I.\"User\"(email, legacy_status) SELECT ''u''||g, CASE WHEN g%%3=0 THEN NULL ELSE ''s''||(g%%4) END FROM generate_series(1,1000) g', 'tenant_'||i);
  END LOOP; END \$\$"
done

tl_run "$MIGRUN" status --fleet fleet.toml -d "$mig" --json
tl_assert_eq 3 "$TL_RC" "status --fleet: pending everywhere (exit 3)"
tl_assert_eq $((TENANTS * 3)) "$(echo "$TL_OUT" | jq '.totals.pending')" "status --fleet counts every target pending"
tl_assert_eq "ap" "$(echo "$TL_OUT" | jq -r '.targets[] | select(.name=="d3_t07") | .labels.region')" \
  "a queried target carries its extra columns as labels"

t0=$(date +%s)
tl_run "$MIGRUN" apply --fleet fleet.toml -d "$mig" -j 8 --allow-pending 10 --wait-gates 30s --json
t1=$(date +%s)
echo "rollout of $((TENANTS * 3)) targets: $((t1 - t0)) s"
tl_assert_eq 0 "$TL_RC" "apply --fleet: exit 0"
[ "$TL_RC" = 0 ] || echo "$TL_ERR" | tail -20
tl_assert_eq "$((TENANTS * 3)) 0 0 3" "$(echo "$TL_OUT" | jq -r '"\(.totals.applied) \(.totals.failed) \(.totals.waiting) \(.waves_run)"')" \
  "every target applied in 3 waves, none failed or waiting"
tl_assert_eq "1 $((TENANTS * 3 / 10 - 1))" "$(echo "$TL_OUT" | jq -r '"\([.targets[] | select(.wave==1)] | length) \([.targets[] | select(.wave==2)] | length)"')" \
  "waves: 1 canary, then up to 10%"
tl_assert_eq 3 "$(echo "$TL_OUT" | jq '[.targets[].steps | length] | min')" "each target's summary lists its 3 timed steps"
tl_assert_contains "$TL_ERR" "wave 3/3" "progress lines name the waves"

# Schema, data and ledger of every target: one query per database.
per_tenant() {
  local n q=""
  for n in $(seq 1 "$TENANTS"); do
    q="$q${q:+ UNION ALL }SELECT $n, (SELECT string_agg(column_name||':'||is_nullable, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_schema='tenant_$n' AND table_name='User')
      || ' ' || (SELECT count(*) FROM tenant_$n.\"User\" WHERE status = CASE WHEN substr(email,2)::int % 3 = 0 THEN 'active' ELSE 's'||(substr(email,2)::int % 4) END)
      || ' ' || (SELECT count(*) || '/' || count(DISTINCT migration_name) FROM tenant_$n._prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL AND applied_steps_count = 1)"
  done
  echo "SELECT 'tenant_' || n || ': ' || coalesce(got, '?') FROM ($q) s(n, got) WHERE got IS DISTINCT FROM 'email:NO,id:NO,status:NO 1000 4/4'"
}
bad=0
for db in "${dbs[@]}"; do
  wrong=$(tl_psql "$db" -c "$(per_tenant)")
  [ -z "$wrong" ] || { echo "$db: $wrong"; bad=$((bad + $(echo "$wrong" | wc -l))); }
done
tl_assert_eq 0 "$bad" "every target: status NOT NULL, legacy_status gone, 1000 rows right, 4 ledger rows"
tl_assert_eq 0 "$(tl_psql "${dbs[0]}" -c "SELECT count(*) FROM pg_namespace WHERE nspname='public' AND EXISTS (SELECT 1 FROM pg_class WHERE relnamespace=pg_namespace.oid AND relname='_prisma_migrations')")" \
  "no ledger in public: each lives in its tenant's schema"

tl_run "$MIGRUN" status --fleet fleet.toml -d "$mig"
tl_assert_eq 0 "$TL_RC" "status --fleet: exit 0"
tl_assert_contains "$TL_OUT" "$((TENANTS * 3)) targets: $((TENANTS * 3)) up to date, 0 pending, 0 failed, 0 diverged, 0 unreachable" \
  "status --fleet: every target up to date"
tl_run "$MIGRUN" status --fleet fleet.toml -d "$mig" --json
tl_assert_eq "$((TENANTS * 3)) 20250101120002_user_status_contract" \
  "$(echo "$TL_OUT" | jq -r '"\(.totals.up_to_date) \([.targets[].last_step] | unique | join(","))"')" "status --fleet --json: all up to date at the contract"
tl_run "$MIGRUN" verify --fleet fleet.toml -d "$mig"
tl_assert_eq 0 "$TL_RC" "verify --fleet: exit 0"
tl_assert_contains "$TL_OUT" "$((TENANTS * 3)) consistent with the folder" "verify --fleet: every ledger matches the folder"

tl_run tl_prisma "$work/$mig" "$(tl_url "${dbs[1]}")?schema=tenant_7" migrate status
tl_assert_contains "$TL_OUT" "Database schema is up to date" "prisma migrate status on one tenant schema: up to date"

tl_run "$MIGRUN" apply --fleet fleet.toml -d "$mig" --json
tl_assert_eq "0 $((TENANTS * 3))" "$(echo "$TL_RC $(echo "$TL_OUT" | jq .totals.up_to_date)")" "a second rollout finds nothing to do"

# A window still open shows its age.
tl_psql "${dbs[0]}" -c "DELETE FROM tenant_3._prisma_migrations WHERE migration_name LIKE '%contract'"
tl_run "$MIGRUN" status --fleet fleet.toml -d "$mig" --json
tl_assert_eq "pending user_status true" "$(echo "$TL_OUT" | jq -r '.targets[] | select(.name=="d1_t03") | "\(.state) \(.window.lifecycle) \(.window.age_s >= 1)"')" \
  "status --fleet: the open dual-write window and its age"
tl_assert_eq 3 "$TL_RC" "status --fleet: exit 3 with a target pending"

# Bad input: one line, documented exit codes, nothing run.
tl_run "$MIGRUN" status --fleet nosuch.toml -d "$mig"
tl_assert_eq "2 1" "$TL_RC $(echo "$TL_ERR" | wc -l)" "missing fleet file: exit 2, one line"
printf '[target.x]\nurl = "postgresql://a:hunter2@127.0.0.1:%s/x"\n' "$(tl_refused_port)" > one.toml
tl_run "$MIGRUN" status --fleet one.toml -d "$mig"
tl_assert_eq 7 "$TL_RC" "unreachable target: exit 7"
tl_assert_not_contains "$TL_OUT$TL_ERR" "hunter2" "the password is never printed"
printf '[target.x]\nurl = "x"\nbogus = 1\n' > bad.toml
tl_run "$MIGRUN" apply --fleet bad.toml -d "$mig"
tl_assert_eq "2" "$TL_RC" "bad fleet file: exit 2"
tl_assert_contains "$TL_ERR" "bad.toml:3: unknown key bogus" "bad fleet file: file and line named"
tl_run "$MIGRUN" apply -j 4 -d "$mig" --database-url "$(tl_url "${dbs[0]}")"
tl_assert_eq 2 "$TL_RC" "-j without --fleet: usage error"
tl_run "$MIGRUN" status --fleet fleet.toml --database-url "$(tl_url "${dbs[0]}")" -d "$mig"
tl_assert_eq 2 "$TL_RC" "--fleet with --database-url: usage error"
