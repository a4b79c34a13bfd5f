#!/usr/bin/env python3
"""The shape of src/, checked: which layer may include which, no include
cycles, no function over 80 lines (outside generated code), every .c opening
with one line that says what it is.

  layers.py [SRC_DIR]        exit 0 when the tree keeps the rules, 1 with one
                             line per breach (file:line: what) otherwise

The arrows (src/README.md):  util <- migdir <- {grammar, sql} <- ops <-
compiler <- {schema, history} <- cli/migc   and   util <- migdir <- runtime <-
fleet <- cli/migrun; both command lines share cli/ (util <- migdir <- cli).  Includes of project headers are path-qualified
("util/buf.h"), so the folder in an include line is the layer it reaches."""
import os
import re
import sys

MIGC_SIDE = ['util', 'migdir', 'grammar', 'sql', 'ops', 'compiler']
ALLOWED = {
    'util': ['util'],
    'migdir': ['util', 'migdir'],
    'grammar': ['util', 'migdir', 'grammar'],
    'sql': ['util', 'migdir', 'sql'],
    'ops': ['util', 'migdir', 'grammar', 'sql', 'ops'],
    'compiler': MIGC_SIDE,
    'schema': MIGC_SIDE + ['schema'],
    'history': MIGC_SIDE + ['history'],
    'cli': ['util', 'migdir', 'cli'],  # the command table and project settings both binaries share
    'cli/migc': MIGC_SIDE + ['schema', 'history', 'cli', 'cli/migc'],
    'runtime': ['util', 'migdir', 'runtime'],
    'fleet': ['util', 'migdir', 'runtime', 'fleet'],
    'cli/migrun': ['util', 'migdir', 'runtime', 'fleet', 'cli', 'cli/migrun'],
}
MAX_FUNCTION_LINES = 80
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of(rel):
    parts = rel.split('/')
    if parts[0] == 'cli' and len(parts) > 2 and parts[1] in ('migc', 'migrun'):
        return 'cli/' + parts[1]
    return parts[0] if len(parts) > 1 else None


def sources(src):
    for root, _, files in os.walk(src):
        for name in sorted(files):
            if name.endswith(('.c', '.h', '.l', '.y')):
                path = os.path.join(root, name)
                yield os.path.relpath(path, src), path


def check_includes(src, problems):
    graph = {}
    for rel, path in sources(src):
        layer = layer_of(rel)
        if layer not in ALLOWED:
            problems.append(f'{rel}: folder {layer or "(top)"} is not a layer of src/README.md')
            continue
        with open(path, encoding='utf-8', errors='replace') as f:
            for no, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                inc = m.group(1)
                if '/' not in inc:
                    problems.append(f'{rel}:{no}: #include "{inc}" is not path-qualified (write "layer/{inc}")')
                    continue
                target = layer_of(inc)
                if target not in ALLOWED:
                    problems.append(f'{rel}:{no}: #include "{inc}" names no layer')
                elif target not in ALLOWED[layer]:
                    problems.append(f'{rel}:{no}: {layer}/ may not include {target}/ ("{inc}")')
                graph.setdefault(rel, []).append(inc)
    return graph


def check_cycles(graph, problems):
    """Depth-first search over the include graph; each cycle reported once."""
    state, stack, seen = {}, [], set()

    def visit(node):
        state[node] = 'open'
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 'open':
                cycle = stack[stack.index(nxt):] + [nxt]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    problems.append('include cycle: ' + ' -> '.join(cycle))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 'done'

    for node in sorted(graph):
        if node not in state:
            visit(node)


FUNC_START = re.compile(r'^[A-Za-z_][\w \t\*]*\b(\w+)\s*\([^;]*$')


def check_function_length(src, problems):
    """A function body is '{' alone at column 0 (or a definition line ending
    in '{') up to the next '}' at column 0: the layout clang-format keeps."""
    for rel, path in sources(src):
        if not rel.endswith('.c'):
            continue
        with open(path, encoding='utf-8', errors='replace') as f:
            lines = f.read().split('\n')
        start, name = None, None
        for i, line in enumerate(lines):
            if start is None:
                head = line if line.rstrip().endswith('{') else (lines[i - 1] if i and line.startswith('{') else '')
                if (line.startswith('{') or (line.rstrip().endswith('{') and FUNC_START.match(line))) and \
                        not re.match(r'^(static\s+)?(const\s+)?(struct|enum|union|typedef)\b', head) and '=' not in head:
                    name = '?'
                    for back in range(i, max(i - 8, -1), -1):
                        m = re.match(r'^[A-Za-z_].*?\b(\w+)\s*\(', lines[back])
                        if m:
                            name = m.group(1)
                            break
                    start = i
            elif line.startswith('}'):
                n = i - start + 1
                if n > MAX_FUNCTION_LINES:
                    problems.append(f'{rel}:{start + 1}: function {name} is {n} lines (at most {MAX_FUNCTION_LINES})')
                start = None


def check_first_line(src, problems):
    """Each .c (and scanner, grammar) opens with a comment saying what it is."""
    for rel, path in sources(src):
        if rel.endswith('.h'):
            continue
        with open(path, encoding='utf-8', errors='replace') as f:
            first = f.readline()
        if not first.startswith('/*'):
            problems.append(f'{rel}:1: does not open with a comment saying what it is')
    readme = os.path.join(src, 'README.md')
    if os.path.exists(readme):
        with open(readme, encoding='utf-8') as f:
            listed = f.read()
        for rel, _ in sources(src):
            if not rel.endswith('.h') and f'`{os.path.basename(rel)}`' not in listed:
                problems.append(f'{rel}: not listed in src/README.md')


def main(argv):
    src = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', 'src')
    checks = argv[2].split(',') if len(argv) > 2 else ['layers', 'cycles', 'length', 'first']
    problems = []
    graph = check_includes(src, problems)
    if 'layers' not in checks:
        problems.clear()
    if 'cycles' in checks:
        check_cycles(graph, problems)
    if 'length' in checks:
        check_function_length(src, problems)
    if 'first' in checks:
        check_first_line(src, problems)
    for p in problems:
        print(p)
    print(f'layers: {len(problems)} problem(s) in {os.path.normpath(src)}')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
