#!/usr/bin/env python3
"""bench/gen-domains.py — synthetic blocked names standing in for UT1's "adult" folder (issue #11).

UT1's adult list (about 4.6 million names upstream) is not in our UT1 copy, so the DNS benchmarks generate names
shaped like it, deterministically, and write them in UT1 layout (<out>, one name a line: e.g. <tree>/adult/domains).

How the distribution is obtained (the model): the *templates* are the real names of the UT1 folders closest to the
adult list that we do have — mixed_adult, lingerie (both mapped to the adult category) and dating — normalised like
our loader (a few thousand names). For each generated name a template is drawn at random and its shape is kept
exactly: the number of labels, the length of every label, the top-level domain, a public second level
(co.uk, com.br, …) and a common first label (a label that starts at least three templates, such as "fr" or "m").
Every other label is replaced by characters of the same length drawn from a character model of the template labels:
a long stream of their character trigrams, sampled with their frequencies and cut into labels, so letters, digits
and hyphens appear as often, and next to each other, as in the real names (a leading or trailing hyphen is replaced
by a letter). The joint distribution of label count, label lengths, TLD mix and subdomain share is therefore the
templates'; UT1 itself stores no "www." (its names have it stripped), so neither do we. --stats prints the
distribution of the templates and of the output side by side.

Guarantees: every name is a valid DNS name (labels 1..63 of [a-z0-9-], not starting or ending with "-", name
≤ 253), names are distinct from each other and from every name in --exclude (the real folders), none is in or under
"bench." (the benchmark's allowed names h<N>.allowed.bench). Same --seed and inputs → the same names in the same
order (Python's random, Mersenne Twister; the output order never depends on set iteration).

Speed: about 10–20 s for 5 million names on one core (the trigram stream is drawn in bulk).
"""
import argparse
import collections
import random
import re
import sys

PUBLIC_SECOND_LEVELS = {"co", "com", "net", "org", "ac", "gov", "edu", "ne", "or", "go", "gv", "gob", "nic", "ltd",
                        "plc", "me", "in", "asso", "gouv"}
VALID_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


def read_names(paths):
    names = []
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                name = line.strip().lower().rstrip(".")
                if name and not name.startswith("#"):
                    names.append(name)
    return names


def template_of(name, common_first):
    """A template: a tuple of labels where None means "generate a label of this length" (stored as an int)."""
    labels = name.split(".")
    if len(labels) < 2 or any(not VALID_LABEL.match(l) or len(l) > 63 for l in labels) or len(name) > 253:
        return None
    if labels[-1].isdigit():
        return None
    shape = []
    for i, label in enumerate(labels):
        last = i == len(labels) - 1
        public_second = i == len(labels) - 2 and len(labels) >= 3 and label in PUBLIC_SECOND_LEVELS
        common = i == 0 and len(labels) >= 3 and label in common_first
        shape.append(label if (last or public_second or common) else len(label))
    return tuple(shape)


def stats(names):
    n = len(names) or 1
    labels = collections.Counter(min(len(x.split(".")), 6) for x in names)
    tlds = collections.Counter(x.rsplit(".", 1)[-1] for x in names)
    mean_len = sum(len(x) for x in names) / n
    mean_label = sum(len(l) for x in names for l in x.split(".")[:-1]) / max(1, sum(len(x.split(".")) - 1 for x in names))
    digits = sum(1 for x in names if any(c.isdigit() for c in x)) / n
    hyphens = sum(1 for x in names if "-" in x) / n
    return (f"names={len(names)} mean_len={mean_len:.1f} mean_label_len={mean_label:.1f} digit={digits:.3f} "
            f"hyphen={hyphens:.3f} labels={{{', '.join(f'{k}: {v / n:.3f}' for k, v in sorted(labels.items()))}}} "
            f"tld_top={', '.join(f'{k} {v / n:.3f}' for k, v in tlds.most_common(8))}")


def main():
    parser = argparse.ArgumentParser(description="Generate synthetic blocked names shaped like UT1's adult list.")
    parser.add_argument("--templates", nargs="+", required=True, help="UT1 domains files whose shapes are copied")
    parser.add_argument("--exclude", help="names the output must not contain (one a line: the real block set)")
    parser.add_argument("--count", type=int, required=True, help="how many names to write")
    parser.add_argument("--seed", type=int, default=11, help="random seed (default 11)")
    parser.add_argument("--out", required=True, help="output file (UT1 layout: <tree>/<folder>/domains)")
    parser.add_argument("--stats", action="store_true", help="print the templates' and the output's distribution")
    args = parser.parse_args()
    if args.count < 0:
        parser.error("--count must be ≥ 0")

    rng = random.Random(args.seed)
    source = sorted(set(read_names(args.templates)))
    first = collections.Counter(x.split(".")[0] for x in source if x.count(".") >= 2)
    common_first = {label for label, n in first.items() if n >= 3}
    templates = [t for t in (template_of(x, common_first) for x in source) if t is not None]
    if not templates:
        sys.exit("error: no usable template names")
    # The character model: every trigram of the generated-label positions of the templates (with repetition).
    trigrams = []
    for name in source:
        for label in name.split(".")[:-1]:
            if VALID_LABEL.match(label):
                trigrams.extend(label[i:i + 3] for i in range(max(1, len(label) - 2)))
    trigrams = [t.ljust(3, "a") for t in trigrams]

    exclude = set()
    if args.exclude:
        exclude.update(read_names([args.exclude]))

    seen = set()
    out = []
    stream, pos = "", 0
    letters = "abcdefghijklmnopqrstuvwxyz"
    while len(out) < args.count:
        before = len(out)
        batch = rng.choices(templates, k=min(1_000_000, 2 * (args.count - len(out)) + 16))
        for shape in batch:
            parts = []
            for part in shape:
                if isinstance(part, str):
                    parts.append(part)
                    continue
                if pos + part > len(stream):
                    stream, pos = "".join(rng.choices(trigrams, k=1_000_000)), 0
                label = stream[pos:pos + part]
                pos += part
                if label[0] == "-":
                    label = letters[pos % 26] + label[1:]
                if label[-1] == "-":
                    label = label[:-1] + letters[(pos * 7) % 26]
                if len(label) >= 4 and label[2:4] == "--":  # "xn--"-style labels are reserved for IDNA
                    label = label[:3] + letters[pos % 26] + label[4:]
                parts.append(label)
            name = ".".join(parts)
            if name in seen or name in exclude or name == "bench" or name.endswith(".bench"):
                continue
            seen.add(name)
            out.append(name)
            if len(out) == args.count:
                break
        if len(out) == before:
            sys.exit(f"error: the templates cannot give {args.count} distinct names (stuck at {before})")

    with open(args.out, "w", encoding="ascii") as f:
        f.write("\n".join(out))
        if out:
            f.write("\n")
    if args.stats:
        print("templates: " + stats(source), file=sys.stderr)
        print("generated: " + stats(out[:500_000]) + " (first 500,000)", file=sys.stderr)


if __name__ == "__main__":
    main()
