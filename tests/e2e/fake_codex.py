#!/usr/bin/env python3
"""A stand-in for `codex app-server` (tests without the real Codex): the JSON-RPC subset guardsh
uses, with Codex 0.171.0's shapes (tests/system/real_agents/shapes/codex-0.171.0/hook-trust.json).
It lists the hooks in $CODEX_HOME/hooks.json, keyed and hashed as Codex does (FILE:pre_tool_use:G:H,
a hash of the definition), trusted when $CODEX_HOME/trust.json (its stand-in for config.toml's
[hooks.state]) holds that hash, and answers several lines in one write, with notifications
between, as the real one may. FAKE_CODEX_FAIL=1: exits at once."""
import hashlib
import json
import os
import sys

if sys.argv[1:] != ["app-server"] or os.environ.get("FAKE_CODEX_FAIL"):
    sys.stderr.write("fake codex: cannot start\n")
    sys.exit(3)
home = os.environ.get("CODEX_HOME") or os.path.expanduser("~/.codex")
hooks_file, trust_file = os.path.join(home, "hooks.json"), os.path.join(home, "trust.json")


def trusted() -> dict:
    return json.load(open(trust_file)) if os.path.exists(trust_file) else {}


def hooks() -> list:
    groups = json.load(open(hooks_file)).get("hooks", {}).get("PreToolUse", []) if os.path.exists(hooks_file) else []
    out = []
    for g, group in enumerate(groups):
        for h, hook in enumerate(group.get("hooks", [])):
            key = f"{hooks_file}:pre_tool_use:{g}:{h}"
            digest = "sha256:" + hashlib.sha256(json.dumps([group.get("matcher"), hook], sort_keys=True).encode()).hexdigest()
            state = trusted().get(key)
            status = "untrusted" if state is None else "trusted" if state == digest else "modified"
            out.append({"key": key, "command": hook.get("command"), "currentHash": digest, "trustStatus": status,
                        "source": "user", "sourcePath": hooks_file, "enabled": True, "isManaged": False})
    return out


note = json.dumps({"method": "configWarning", "params": {"summary": "no bubblewrap"}})
for line in sys.stdin:
    msg = json.loads(line)
    if "id" not in msg:
        continue
    if msg["method"] == "initialize":
        result = {"userAgent": "fake/0.171.0"}
    elif msg["method"] == "hooks/list":
        result = {"data": [{"cwd": msg["params"]["cwds"][0], "hooks": hooks()}]}
    elif msg["method"] == "config/batchWrite":
        state = trusted()
        for edit in msg["params"]["edits"]:
            assert edit["keyPath"] == "hooks.state" and edit["mergeStrategy"] == "upsert", edit
            state.update({k: v["trusted_hash"] for k, v in edit["value"].items()})
        json.dump(state, open(trust_file, "w"))
        result = {"status": "ok"}
    else:
        result = None
    sys.stdout.write(f"{note}\n{json.dumps({'id': msg['id'], 'result': result})}\n{note}\n")
    sys.stdout.flush()
