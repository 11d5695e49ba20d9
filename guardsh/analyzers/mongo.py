"""mongosh/mongo `--eval` JavaScript: a conservative scan of the calls that drop
or empty a database or a collection."""

from __future__ import annotations

import re

from ..model import DYN, Effect
from .sql.common import known_name


MONGO_CALL = re.compile(
    r"""(?:\.\s*(?P<name>[A-Za-z_$][\w$]*)|\[\s*(?P<q>['"`])(?P<quoted>[^'"`]*)(?P=q)\s*\]"""
    r"""|getCollection\s*\(\s*(?P<q2>['"`])(?P<named>[^'"`]*)(?P=q2)\s*\))?"""
    r"""\s*\.\s*(?P<method>dropDatabase|drop|deleteMany|remove|updateMany|update)\s*\("""
    r"""(?P<no_filter>\s*(?:\{\s*\}|\x00+)?\s*(?=[,)]))?""")  # `()`, `({})`, `(DYN)`
MONGO_RUN_COMMAND = re.compile(
    r"""runCommand\s*\(\s*\{\s*['"]?(?P<command>dropDatabase|drop)['"]?\s*:\s*['"]?(?P<name>[\w.-]*)""")


def classify_mongo(js: str) -> list[Effect]:
    """Effects of mongosh/mongo `--eval` JavaScript: a conservative scan of the calls."""
    effects = []
    for match in MONGO_CALL.finditer(js):
        method, collection = match["method"], known_name(match["name"] or match["quoted"] or match["named"])
        detail = re.match(r"[^;\n]*", js[match.start():])[0].replace(DYN, "$?")
        if method == "dropDatabase":
            database = re.search(r"""getSiblingDB\s*\(\s*['"`]([^'"`]+)['"`]\s*\)\s*$""", js[:match.start()])
            effects.append(Effect("mongo.drop-database", known_name(database and database[1]), detail))
        elif method == "drop":
            effects.append(Effect("mongo.drop-collection", collection, detail))
        elif match["no_filter"] is None:
            continue
        elif method in ("deleteMany", "remove"):
            effects.append(Effect("mongo.delete-all", collection, detail))
        elif method == "updateMany" or re.search(r"\bmulti\s*:\s*true", detail):
            effects.append(Effect("mongo.update-all", collection, detail))
    for match in MONGO_RUN_COMMAND.finditer(js):
        kind = "mongo.drop-database" if match["command"] == "dropDatabase" else "mongo.drop-collection"
        effects.append(Effect(kind, known_name(match["name"]) if kind.endswith("collection") else None, match[0]))
    return effects
