#!/usr/bin/env python3
"""Writes a command line's man page from its own --help texts (which its
option tables print), so the page cannot drift from the options:
    manpage.py BINARY TITLE OUT.1
Run by the build (src/cli/CMakeLists.txt) and installed by `cmake --install`."""
import os
import re
import subprocess
import sys


def help_text(binary, *args):
    out = subprocess.run([binary, *args, "--help"], capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).rstrip("\n")


def roff(line):
    """One line of text, escaped for roff."""
    line = line.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + line if line.startswith((".", "'")) else line


def block(text):
    """Preformatted, as --help prints it."""
    return [".nf"] + [roff(l) for l in text.split("\n")] + [".fi"]


def main():
    binary, title, out = sys.argv[1], sys.argv[2], sys.argv[3]
    name = os.path.basename(binary)
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    top = help_text(binary)
    commands = re.findall(r"^  ([a-z][a-z-]*)\s{2,}(.*)$", top, re.M)
    page = [
        '.TH %s 1 "" "%s" "%s"' % (name.upper(), roff(version), roff(title)),
        ".SH NAME",
        roff("%s \\- %s" % (name, title)).replace("\\e\\-", "\\-"),
        ".SH SYNOPSIS",
        ".B %s" % name,
        roff("<command> [options] [args]"),
        ".SH DESCRIPTION",
    ]
    page += block(top)
    page.append(".SH COMMANDS")
    for cmd, summary in commands:
        page += [".SS %s" % roff(cmd), roff(summary), ".PP"]
        page += block(help_text(binary, cmd))
    page += [
        ".SH SEE ALSO",
        roff("The documentation in the migplan source tree: docs/cli.md (every option of every command), "
             "docs/runtime.md, docs/language.md."),
    ]
    with open(out + ".new", "w") as f:
        f.write("\n".join(page) + "\n")
    os.replace(out + ".new", out)


main()
