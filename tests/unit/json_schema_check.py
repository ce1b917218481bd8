#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# json_schema_check SCHEMA [FILE]: validate one JSON document (FILE, or
# stdin) against a schema of doc/schema/. Python's standard library only, so
# it runs on a fresh Debian 12 with python3 (vm/setup-host installs it).
# Implements the part of JSON Schema draft 2020-12 the schemas use: type,
# const, enum, required, properties, additionalProperties, items, minimum,
# maximum, minLength, pattern, $ref (to another file of the directory or
# #/$defs/NAME), boolean schemas. Any other keyword is an error, so a schema
# cannot silently ask for more than is checked. Exit 0 valid, 1 invalid
# (each violation on stderr with its JSON path), 2 usage or unreadable.
import json
import os
import re
import sys

KNOWN = {"$schema", "$id", "$defs", "$ref", "title", "description", "type", "const", "enum",
         "required", "properties", "additionalProperties", "items", "minimum", "maximum",
         "minLength", "pattern"}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


class Checker:
    def __init__(self, path):
        self.dir = os.path.dirname(os.path.abspath(path))
        self.files = {}
        self.errors = []

    def load(self, name):
        if name not in self.files:
            with open(os.path.join(self.dir, name)) as f:
                self.files[name] = json.load(f)
        return self.files[name]

    def resolve(self, ref, root):
        name, _, frag = ref.partition("#")
        doc = self.load(name) if name else root
        node = doc
        for part in [p for p in frag.split("/") if p]:
            node = node[part]
        return node, doc

    def fail(self, where, msg):
        self.errors.append("%s: %s" % (where or "$", msg))

    def check(self, v, s, root, where=""):
        if s is True:
            return
        if s is False:
            self.fail(where, "no value allowed here")
            return
        unknown = set(s) - KNOWN
        if unknown:
            self.fail(where, "schema keyword(s) not implemented: %s" % ", ".join(sorted(unknown)))
        if "$ref" in s:
            target, doc = self.resolve(s["$ref"], root)
            self.check(v, target, doc, where)
        if "type" in s:
            types = s["type"] if isinstance(s["type"], list) else [s["type"]]
            if not any(TYPES[t](v) for t in types):
                self.fail(where, "%r is not of type %s" % (v, "/".join(types)))
                return
        if "const" in s and v != s["const"]:
            self.fail(where, "%r is not %r" % (v, s["const"]))
        if "enum" in s and v not in s["enum"]:
            self.fail(where, "%r is not one of %r" % (v, s["enum"]))
        if isinstance(v, str):
            if "minLength" in s and len(v) < s["minLength"]:
                self.fail(where, "%r is shorter than %d" % (v, s["minLength"]))
            if "pattern" in s and not re.search(s["pattern"], v):
                self.fail(where, "%r does not match /%s/" % (v, s["pattern"]))
        if TYPES["number"](v):
            if "minimum" in s and v < s["minimum"]:
                self.fail(where, "%r is below %r" % (v, s["minimum"]))
            if "maximum" in s and v > s["maximum"]:
                self.fail(where, "%r is above %r" % (v, s["maximum"]))
        if isinstance(v, dict):
            for k in s.get("required", []):
                if k not in v:
                    self.fail(where, "required member %r missing" % k)
            props = s.get("properties", {})
            for k, sub in v.items():
                if k in props:
                    self.check(sub, props[k], root, "%s.%s" % (where, k))
                elif "additionalProperties" in s:
                    self.check(sub, s["additionalProperties"], root, "%s.%s" % (where, k))
        if isinstance(v, list) and "items" in s:
            for i, sub in enumerate(v):
                self.check(sub, s["items"], root, "%s[%d]" % (where, i))


def main():
    if len(sys.argv) not in (2, 3):
        print("usage: json_schema_check SCHEMA [FILE]", file=sys.stderr)
        return 2
    try:
        c = Checker(sys.argv[1])
        schema = c.load(os.path.basename(sys.argv[1]))
        text = open(sys.argv[2]).read() if len(sys.argv) == 3 else sys.stdin.read()
    except (OSError, ValueError) as e:
        print("json_schema_check: %s" % e, file=sys.stderr)
        return 2
    try:
        doc = json.loads(text)
    except ValueError as e:
        print("json_schema_check: not JSON: %s" % e, file=sys.stderr)
        return 1
    c.check(doc, schema, schema)
    for e in c.errors:
        print("json_schema_check: %s" % e, file=sys.stderr)
    return 1 if c.errors else 0


sys.exit(main())
