#!/usr/bin/env python3
"""Runs the code blocks of a Markdown page of docs/, so the docs cannot rot.

    doctest.py PAGE.md --src SRC --build BUILD --scratch DIR

Every fenced code block of PAGE is checked, by its info string:

  ```console            lines starting with "$ " are commands (a trailing
                        backslash continues one); the lines up to the next
                        command are its expected output (stdout and stderr);
                        a line "..." matches any number of lines, "..."
                        within a line any text on that line. A command
                        whose output is not given must still succeed.
  ```sh                 a script, run with `bash -e`; it must succeed.
  ```LANG file=PATH     the text is written to PATH in the scratch folder,
                        for the commands of later blocks.
  ```LANG mirror=PATH   the text must occur, as consecutive lines, in the
                        repository's file PATH (trailing spaces aside): an
                        excerpt of real code or of a real test.

Any other block fails the check. Commands run in the scratch folder with
bash, the build's bin/ (then the --path folders) first on PATH, and $CASCADE_SRC / $CASCADE_BUILD set
to the source and build trees.
"""

import argparse
import os
import re
import subprocess
import sys

FENCE = re.compile(r"^(\s*)```(.*)$")


def blocks(path):
    """Yields (line number, info string, text) for each fenced block."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, info = m.group(1), m.group(2).strip()
        start = i + 1
        body = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith("```"):
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            i += 1
        if i == len(lines):
            raise SystemExit("%s:%d: unterminated code block" % (path, start))
        yield start, info, "\n".join(body) + "\n"
        i += 1


def parse_info(info):
    words = info.split()
    lang = words[0] if words else ""
    attrs = {}
    for w in words[1:]:
        key, _, value = w.partition("=")
        attrs[key] = value
    return lang, attrs


def run(command, env, cwd):
    p = subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )
    return p.returncode, p.stdout


def line_matches(expected, actual):
    """Equality, with "..." in `expected` standing for any text."""
    if "..." not in expected:
        return expected == actual
    pattern = ".*".join(re.escape(part) for part in expected.split("..."))
    return re.fullmatch(pattern, actual) is not None


def matches(expected, actual):
    """Line-by-line match with "..." as a wildcard for any lines."""
    exp = [l.rstrip() for l in expected]
    act = [l.rstrip() for l in actual]

    def go(i, j):
        if i == len(exp):
            return j == len(act)
        if exp[i] == "...":
            return any(go(i + 1, k) for k in range(j, len(act) + 1))
        return j < len(act) and line_matches(exp[i], act[j]) and go(i + 1, j + 1)

    return go(0, 0)


def console(text, env, cwd, where):
    """Runs the commands of a console block, checking given outputs."""
    lines = text.rstrip("\n").split("\n")
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            raise SystemExit("%s: expected a '$ ' command, got %r" % (where, lines[i]))
        command = lines[i][2:]
        while command.endswith("\\") and i + 1 < len(lines):
            i += 1
            command = command + "\n" + lines[i]
        i += 1
        expected = []
        while i < len(lines) and not lines[i].startswith("$ "):
            expected.append(lines[i])
            i += 1
        code, output = run(command, env, cwd)
        if code != 0:
            raise SystemExit(
                "%s: '%s' exited with %d:\n%s" % (where, command, code, output)
            )
        if expected and not matches(expected, output.rstrip("\n").split("\n")):
            raise SystemExit(
                "%s: the output of '%s' differs.\n--- expected\n%s\n--- got\n%s"
                % (where, command, "\n".join(expected), output)
            )


def mirrored(text, path, where):
    with open(path, encoding="utf-8") as f:
        source = [l.rstrip() for l in f.read().split("\n")]
    want = [l.rstrip() for l in text.rstrip("\n").split("\n")]
    for k in range(len(source) - len(want) + 1):
        if source[k : k + len(want)] == want:
            return
    raise SystemExit(
        "%s: the block is not an excerpt of %s; update the page or the code"
        % (where, path)
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("page")
    parser.add_argument("--src", required=True)
    parser.add_argument("--build", required=True)
    parser.add_argument("--scratch", required=True)
    parser.add_argument(
        "--path", action="append", default=[], help="more folders for PATH, after bin/"
    )
    args = parser.parse_args()

    os.makedirs(args.scratch, exist_ok=True)
    env = dict(os.environ)
    env["PATH"] = (
        os.pathsep.join([os.path.join(os.path.abspath(args.build), "bin")] + args.path)
        + os.pathsep
        + env.get("PATH", "")
    )
    env["CASCADE_SRC"] = os.path.abspath(args.src)
    env["CASCADE_BUILD"] = os.path.abspath(args.build)

    counts = {}
    for line, info, text in blocks(args.page):
        where = "%s:%d" % (args.page, line)
        lang, attrs = parse_info(info)
        if "file" in attrs:
            path = os.path.join(args.scratch, attrs["file"])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            kind = "file"
        elif "mirror" in attrs:
            mirrored(text, os.path.join(args.src, attrs["mirror"]), where)
            kind = "mirror"
        elif lang == "console":
            console(text, env, args.scratch, where)
            kind = "console"
        elif lang == "sh":
            code, output = run("set -e\n" + text, env, args.scratch)
            if code != 0:
                raise SystemExit("%s: the script exited with %d:\n%s" % (where, code, output))
            kind = "sh"
        else:
            raise SystemExit(
                "%s: a '%s' block that nothing checks: give it file=, mirror=, "
                "or make it a console or sh block" % (where, info)
            )
        counts[kind] = counts.get(kind, 0) + 1
    total = sum(counts.values())
    print(
        "%s: %d blocks checked (%s)"
        % (os.path.basename(args.page), total,
           ", ".join("%d %s" % (n, k) for k, n in sorted(counts.items())))
    )


if __name__ == "__main__":
    sys.exit(main())
