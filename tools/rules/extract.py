#!/usr/bin/env python3
"""Extracts the normative sentences of RFC 6455 and RFC 7692 into the sentence tables.

A sentence is normative when it holds an RFC 2119 key word of obligation (MUST, MUST NOT,
REQUIRED, SHALL, SHALL NOT, SHOULD, SHOULD NOT, RECOMMENDED, NOT RECOMMENDED) outside quotes.
Sentences are numbered per section in order of appearance: "6455/5.2#3" is the third
normative sentence of RFC 6455 section 5.2. The side a sentence binds comes from the section
(see SECTION_SIDES) unless tools/rules/sides.tsv names it.

Usage (from the repository root):
  tools/rules/extract.py cases/rules/rfc6455.txt cases/rules/rfc7692.txt --out cases/rules
Writes DIR/rfc6455.tsv and DIR/rfc7692.tsv (tab-separated: id, rfc, section, level, side, text).
Figures and ABNF are skipped; a page break inside a paragraph is joined over.
"""

import argparse
import os
import re
import sys

# The sections whose sentences are tabulated, per RFC: (first, last top-level section).
SCOPE = {"6455": ((1, 3), 11), "7692": ((5,), 8)}

# The side a section's sentences bind when tools/rules/sides.tsv does not say otherwise; the
# longest matching section prefix wins.
SECTION_SIDES = {
    "6455": {
        "1": "both",
        "3": "both",
        "4.1": "client",
        "4.2": "server",
        "4.4": "server",
        "5": "both",
        "5.3": "client",
        "9": "both",
        "10": "both",
        "11": "none",
    },
    "7692": {"5": "both", "6": "both", "7": "both", "8": "both"},
}

KEYWORDS = re.compile(
    r"(?<![\"\w])(MUST NOT|MUST|SHALL NOT|SHALL|REQUIRED|SHOULD NOT|SHOULD|NOT RECOMMENDED"
    r"|RECOMMENDED)(?![\"\w])"
)
MUST_WORDS = {"MUST", "MUST NOT", "SHALL", "SHALL NOT", "REQUIRED"}

PAGE_FOOTER = re.compile(r"\[Page \d+\]\s*$")
PAGE_HEADER = re.compile(r"^RFC \d{4} .* \d{4}\s*$")
HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.\s+\S")
LIST_MARKER = re.compile(r"^\s*(?:\d+\.|\*|o|-)\s+(?=\S)")
# Lines of figures and ABNF: frame diagrams, rulers and grammar rules.
FIGURE_LINE = re.compile(r"\+-\+|-{5,}|^\s*[\w-]+\s+=\s|^\s*;|\|[A-Z]\|")
# A period that does not end a sentence, though two spaces follow it.
ABBREVIATIONS = re.compile(r"(?:\be\.g|\bi\.e|\bcf|\bvs|\bet al)\.$")


def page_lines(text):
    """The RFC's lines without form feeds, page headers and footers (a page break becomes a
    blank line unless the text runs on across it)."""
    out = []
    lines = text.replace("\r", "").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].replace("\f", "")
        if PAGE_FOOTER.search(line) or PAGE_HEADER.match(line):
            # Drop the blank lines around the break; keep one when the text before it ends.
            while out and not out[-1].strip():
                out.pop()
            j = i + 1
            while j < len(lines) and (
                not lines[j].replace("\f", "").strip() or PAGE_HEADER.match(lines[j])
            ):
                j += 1
            before = out[-1].rstrip() if out else ""
            after = lines[j] if j < len(lines) else ""
            runs_on = before and not re.search(r"[.:]\)?$", before) and not LIST_MARKER.match(after)
            if not runs_on:
                out.append("")
            i = j
            continue
        out.append(line.rstrip())
        i += 1
    return out


def sections(lines, rfc):
    """(section, [lines]) for each section in scope, in document order."""
    first, last = SCOPE[rfc]
    current, body, result = None, [], []
    for line in lines:
        m = HEADING.match(line)
        if m:
            if current:
                result.append((current, body))
            key = tuple(int(p) for p in m.group(1).split("."))
            current = m.group(1) if (key >= first and key[0] <= last) else None
            body = []
        elif current:
            body.append(line)
    if current:
        result.append((current, body))
    return result


def blocks(lines):
    """Paragraphs (runs of non-blank lines) that are prose, not figures or grammar."""
    block = []
    for line in lines + [""]:
        if line.strip():
            block.append(line)
            continue
        if block and not any(FIGURE_LINE.search(b) for b in block):
            yield block
        block = []


def join_lines(block):
    """One string for a paragraph: a list marker dropped, a line ending in a hyphenated word
    joined without space, a line ending a sentence followed by two spaces (as RFC text puts
    them inside a line)."""
    first = LIST_MARKER.sub("", block[0], count=1)
    rest = block[1:]
    if rest and indent(rest[0]) > len(block[0]) - len(first) + indent(first):
        # A term of a definition list ("/origin/", "Encoding considerations") heads the text.
        first, rest = rest[0], rest[1:]
    text = first.strip()
    for line in rest:
        line = line.strip()
        if re.search(r"[A-Za-z0-9]-$", text):
            text += line
        elif re.search(r"[.?!][\"')\]]*$", text):
            text += "  " + line
        else:
            text += " " + line
    return text


def indent(line):
    return len(line) - len(line.lstrip())


def fold(text):
    return re.sub(r"\s+", " ", text).strip()


def split_sentences(text):
    """Sentences of a paragraph: they end at '.', '?' or '!' followed by two spaces."""
    pieces = re.split(r"(?<=[.?!])([\"')\]]*)\s{2,}", text)
    sentences, current = [], ""
    for i in range(0, len(pieces), 2):
        current += pieces[i] + (pieces[i + 1] if i + 1 < len(pieces) else "")
        if ABBREVIATIONS.search(current):
            current += " "
            continue
        sentences.append(fold(current))
        current = ""
    if current.strip():
        sentences.append(fold(current))
    return sentences


def level_of(sentence):
    words = {m.group(1) for m in KEYWORDS.finditer(strip_quotes(sentence))}
    if not words:
        return None
    return "MUST" if words & MUST_WORDS else "SHOULD"


def strip_quotes(sentence):
    """The sentence without double-quoted passages (key words named, not used)."""
    return re.sub(r'"[^"]*"', '""', sentence)


def side_of(rfc, section):
    table = SECTION_SIDES[rfc]
    parts = section.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in table:
            return table[prefix]
    return "both"


def read_sides(path):
    sides = {}
    if not path or not os.path.exists(path):
        return sides
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            sides[fields[0]] = fields[1]
    return sides


def extract(path, sides):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"Request for Comments: (\d+)", text)
    if not m or m.group(1) not in SCOPE:
        sys.exit(f"{path}: not RFC 6455 or RFC 7692")
    rfc = m.group(1)
    rows = []
    for section, body in sections(page_lines(text), rfc):
        n = 0
        for block in blocks(body):
            for sentence in split_sentences(join_lines(block)):
                level = level_of(sentence)
                if not level:
                    continue
                n += 1
                sid = f"{rfc}/{section}#{n}"
                side = sides.get(sid, side_of(rfc, section))
                rows.append((sid, "RFC " + rfc, section, level, side, sentence))
    return rfc, rows


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("rfcs", nargs="+", help="the RFC texts (rfc6455.txt, rfc7692.txt)")
    p.add_argument("--out", default=".", help="folder for rfc6455.tsv and rfc7692.tsv")
    p.add_argument("--sides", default=os.path.join(here, "sides.tsv"), help="side overrides")
    args = p.parse_args()
    sides = read_sides(args.sides)
    known, done = set(), set()
    for path in args.rfcs:
        rfc, rows = extract(path, sides)
        done.add(rfc)
        known.update(r[0] for r in rows)
        with open(os.path.join(args.out, f"rfc{rfc}.tsv"), "w", encoding="utf-8") as f:
            f.write("id\trfc\tsection\tlevel\tside\ttext\n")
            for row in rows:
                f.write("\t".join(row) + "\n")
        print(f"rfc{rfc}.tsv: {len(rows)} sentences")
    stale = sorted(s for s in set(sides) - known if s.split("/")[0] in done)
    if stale:
        sys.exit("sides.tsv names sentences that no longer exist: " + ", ".join(stale))


if __name__ == "__main__":
    main()
