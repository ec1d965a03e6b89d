#!/usr/bin/env python3
"""Writes a measured table into a doc, between its markers, so that no figure in docs/ is
typed by hand. The block in the doc looks like

    <!-- table NAME: written by SCRIPT; do not edit by hand -->
    ...
    <!-- /table NAME -->

Usage: write_doc_table.py DOC NAME SCRIPT < markdown
DOC must already hold the markers of NAME (a doc says where its tables go); the content
between them is replaced, the file is written atomically (temp + rename). Exit 2 when the
doc or its markers are missing."""
import os
import re
import sys
import tempfile


def main():
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    doc, name, script = sys.argv[1:]
    if not os.path.isfile(doc):
        sys.stderr.write(f"error: {doc}: no such doc\n")
        return 2
    text = open(doc, encoding="utf-8").read()
    begin = re.compile(r"<!-- table " + re.escape(name) + r":[^>]*-->\n")
    end = f"<!-- /table {name} -->"
    m = begin.search(text)
    stop = text.find(end, m.end()) if m else -1
    if not m or stop < 0:
        sys.stderr.write(f"error: {doc}: no markers for table '{name}' (expected '<!-- table {name}: ... -->' "
                         f"and '{end}')\n")
        return 2
    body = sys.stdin.read().rstrip("\n") + "\n"
    header = f"<!-- table {name}: written by {script}; do not edit by hand -->\n"
    new = text[:m.start()] + header + body + text[stop:]
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(doc)), prefix=".doc-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(new)
    os.replace(tmp, doc)
    print(f"wrote table '{name}' into {doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
