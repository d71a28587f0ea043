#!/usr/bin/env python3
"""Compact the Telegram Bot API spec for the local Bot API stand-in.

Reads the machine-readable spec (default ../shared/telegram/bot-api-9.1.json, relative to the
main crate's root) and writes bot_api.json beside this script: for each method its parameters
(name, types, required) and return types, for each type its fields (name, types, required, and
"const" for a discriminator such as InputMediaPhoto.type = "photo") or its subtypes. Prose descriptions are dropped: the stand-in only needs the facts it validates
requests against, and the result is small enough to embed with include_str!.

Usage (from the crate root): python3 src/standin/extract_spec.py [path/to/bot-api.json]
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCE = os.path.join(HERE, "..", "..", "..", "shared", "telegram", "bot-api-9.1.json")


# "Type of the result, must be photo": the discriminator value of a union member (InputMedia*,
# BotCommandScope*, ...). Kept as "const" so the validator can tell the members apart.
CONST_VALUE = re.compile(r"must be ([a-z0-9_]+)$")


def compact_field(f):
    entry = {"name": f["name"], "types": f["types"], "required": bool(f["required"])}
    match = CONST_VALUE.search(f.get("description", ""))
    if match and f["types"] == ["String"]:
        entry["const"] = match.group(1)
    return entry


def compact_fields(fields):
    return [compact_field(f) for f in fields]


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SOURCE
    with open(source, encoding="utf-8") as handle:
        spec = json.load(handle)

    methods = {}
    for name, method in sorted(spec["methods"].items()):
        methods[name] = {
            "returns": method["returns"],
            "params": compact_fields(method.get("fields", [])),
        }

    types = {}
    for name, typ in sorted(spec["types"].items()):
        entry = {}
        if "fields" in typ:
            entry["fields"] = compact_fields(typ["fields"])
        if "subtypes" in typ:
            entry["subtypes"] = typ["subtypes"]
        # Types with neither (InputFile, CallbackGame, empty service objects) stay as {}:
        # the validator treats them as opaque.
        types[name] = entry

    # One method or type per line keeps diffs of a regenerated file readable.
    out_path = os.path.join(HERE, "bot_api.json")
    with open(out_path, "w", encoding="utf-8") as out:
        out.write("{\n")
        out.write('"source": %s,\n' % json.dumps(os.path.basename(source)))
        out.write('"version": %s,\n' % json.dumps(spec["version"]))
        out.write('"release_date": %s,\n' % json.dumps(spec["release_date"]))
        for section_name, section in (("methods", methods), ("types", types)):
            out.write('"%s": {\n' % section_name)
            items = list(section.items())
            for index, (name, entry) in enumerate(items):
                comma = "," if index + 1 < len(items) else ""
                out.write("%s: %s%s\n" % (json.dumps(name), json.dumps(entry, ensure_ascii=False, separators=(",", ":")), comma))
            out.write("}%s\n" % ("," if section_name == "methods" else ""))
        out.write("}\n")
    print("wrote %s: %d methods, %d types" % (out_path, len(methods), len(types)))


if __name__ == "__main__":
    main()
