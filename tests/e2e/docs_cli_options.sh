#!/usr/bin/env bash
# docs/cli.md against the option tables the command lines are built from
# (each command's mp_opt_spec table, rendered by util/opt.c as --help): every
# command of migc and migrun has a table there listing, in --help's order,
# the same options with the same short letter and argument (one row per
# --format word, as --help has them), and the synopses of its command table
# name only options the command lists. The help texts themselves are not
# compared: the docs may say more.
source "$(dirname "$0")/../lib/testlib.sh"
doc=$MIGPLAN_SOURCE_DIR/docs/cli.md
helps=$(tl_tmpdir)

# Every command's --help, in HELPS/BINARY.COMMAND; BINARY.commands lists them.
for bin in migc migrun; do
  exe=$MIGC
  [ "$bin" = migrun ] && exe=$MIGRUN
  "$exe" --help | sed -n '/^commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' > "$helps/$bin.commands"
  tl_assert_eq yes "$([ -s "$helps/$bin.commands" ] && echo yes || echo no)" "$bin --help lists its commands"
  while read -r cmd; do
    tl_run "$exe" "$cmd" --help < /dev/null
    tl_assert_eq 0 "$TL_RC" "$bin $cmd --help exits 0"
    printf '%s\n' "$TL_OUT" > "$helps/$bin.$cmd"
  done < "$helps/$bin.commands"
done

# One python run (its start-up is slow on a loaded machine) compares them all:
# a record a check, "message<TAB>expected<TAB>actual".
read -r -d '' COMPARE <<'PY' || true
import os, re, sys
doc_path, helps = sys.argv[1], sys.argv[2]
doc = open(doc_path).read().split('\n')

# A help row: "  -x, --name ARG  text" or "      --name ARG  text" (no letter),
# or "  --name ARG  text" when no row of the table has a letter. Continuation
# lines are indented to the text column and do not start with "--".
ROW = re.compile(r'^  (?:-([A-Za-z]), |    )?--([A-Za-z0-9][-A-Za-z0-9]*)(?: (\S+))?(?: {2,}|$)')

def help_rows(text):
    rows = []
    for line in text.split('\n'):
        m = ROW.match(line)
        if m:
            rows.append(('-' + m.group(1) if m.group(1) else '', '--' + m.group(2), m.group(3) or ''))
    return rows

def cells(line):
    return [c.strip() for c in re.split(r'(?<!\\)\|', line)[1:-1]]

# The rows of the table under "### `BINARY COMMAND`".
def doc_rows(command):
    rows, inside = [], False
    for line in doc:
        if line.startswith('#'):
            inside = line.strip() == '### `%s`' % command
            continue
        if not inside or not line.startswith('|') or line.startswith('|---') or line.startswith('| option |'):
            continue
        c = cells(line)
        names = c[0].replace('`', '')
        letter = re.search(r'(?:^|[ ,])(-[A-Za-z])(?=$|[ ,])', names)
        name = re.search(r'--[A-Za-z0-9][-A-Za-z0-9]*', names)
        arg = c[1].replace('`', '').replace('\\', '').strip() if len(c) > 1 else '?'
        rows.append((letter.group(1) if letter else '', name.group(0) if name else '?', arg))
    return rows

# The options named by the synopses of the command table for command.
def synopsis_names(command):
    names = set()
    for line in doc:
        if line.startswith('| `%s ' % command) or line.startswith('| `%s`' % command):
            names.update(re.findall(r'(?<![-\w])(--?[A-Za-z][-A-Za-z0-9]*)', cells(line)[0]))
    return names

def show(rows):
    return ' '.join('/'.join(r) for r in rows)

for binary in ('migc', 'migrun'):
    commands = open(os.path.join(helps, binary + '.commands')).read().split()
    tables = [m.group(1) for m in (re.match(r'### `%s (\S+)`' % binary, l) for l in doc) if m]
    print('docs/cli.md has a table for each command %s lists, and no other\t%s\t%s'
          % (binary, ' '.join(sorted(commands)), ' '.join(sorted(tables))))
    for cmd in commands:
        command = binary + ' ' + cmd
        rows = help_rows(open(os.path.join(helps, binary + '.' + cmd)).read())
        print('docs/cli.md lists the options of %s --help (letter/name/argument, in order)\t%s\t%s'
              % (command, show(rows), show(doc_rows(command))))
        known = {n for r in rows for n in r[:2] if n}
        print('the synopses of %s in docs/cli.md name only options it lists\t\t%s'
              % (command, ' '.join(sorted(synopsis_names(command) - known))))
PY

records=$(python3 -c "$COMPARE" "$doc" "$helps")
while IFS=$'\t' read -r msg expected actual; do
  tl_assert_eq "$expected" "$actual" "$msg"
done <<< "$records"
