#!/usr/bin/env python3
"""Prints the README's key table from `portcullis --dump-defaults` on stdin,
and with --update README rewrites the table in place.  The key table in
milter/conf/conf_keys.c stays the one source; tests/conf-defaults.sh fails when
README misses a key."""
import re
import sys


def rows(dump):
    group, doc, out = None, [], []
    for line in dump.splitlines():
        m = re.match(r'^\[(\w+)\]$', line)
        if m:
            group, doc = m.group(1), []
            continue
        m = re.match(r'^#([a-z_]+) =\s?(.*)$', line)
        if m and group:
            key, value = m.groups()
            default = '`%s`' % value if value else '(empty)'
            meaning = ' '.join(doc).replace('|', '\\|')
            out.append('| `[%s]` | `%s` | %s | %s |' % (group, key, default, meaning))
            doc = []
        elif line.startswith('# ') and group:
            doc.append(line[2:])
        elif line == '':
            doc = []
    return '| group | key | default | meaning |\n|---|---|---|---|\n' + '\n'.join(out)


def main():
    table = rows(sys.stdin.read())
    if len(sys.argv) == 3 and sys.argv[1] == '--update':
        text = open(sys.argv[2]).read()
        start = text.index('| group | key | default | meaning |')
        end = text.index('\n\n', start)
        open(sys.argv[2], 'w').write(text[:start] + table + text[end:])
    else:
        print(table)


main()
