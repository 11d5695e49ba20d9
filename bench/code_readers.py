#!/usr/bin/env python3
"""What reading a program costs: a 500-line Python file and a 500-line TypeScript file.

For each reader: the one-time import (measured in a fresh interpreter, median of a few
runs: the modules the reader needs plus building its parser) and the median time of one
read of the file once imported (target: under TARGET_MS). The files are generated: a
service module with the usual mix of imports, constants, classes, HTTP and database calls,
with a few sinks in it, so every reader's paths are walked.

    bench/code_readers.py [--rounds N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_MS = 30.0
ROOT = Path(__file__).resolve().parent.parent

PY_BLOCK = '''
class Service{n}:
    """Talks to the API and the database."""

    BASE = "https://api.example.com/v{n}"

    def __init__(self, session, conn):
        self.session, self.conn = session, conn

    def list_items(self, page: int = 1) -> list[dict]:
        response = requests.get(f"{{self.BASE}}/items", params={{"page": page}}, timeout=10)
        response.raise_for_status()
        return [item for item in response.json()["items"] if item.get("active")]

    def create(self, name: str) -> dict:
        payload = {{"name": name, "tags": ["a", "b"], "n": {n}}}
        return requests.post(f"{{self.BASE}}/items", json=payload, timeout=10).json()

    def rows(self, limit: int = 50):
        cur = self.conn.cursor()
        cur.execute("SELECT id, name FROM items WHERE owner = ? LIMIT ?", (OWNER, limit))
        return cur.fetchall()

    def cleanup(self, path: str) -> None:
        for entry in os.listdir(path):
            if entry.endswith(".tmp"):
                os.remove(os.path.join(path, entry))
        logging.info("cleaned %s", path)
'''

TS_BLOCK = '''
export interface Item{n} {{ id: string; name: string; tags?: string[] }}

export class Service{n} {{
  private readonly base = `https://api.example.com/v{n}`;
  constructor(private readonly db: Pool, private readonly token: string) {{}}

  async list(page = 1): Promise<Item{n}[]> {{
    const res = await fetch(`${{this.base}}/items?page=${{page}}`, {{ headers: {{ Authorization: `Bearer ${{this.token}}` }} }});
    if (!res.ok) throw new Error(`list failed: ${{res.status}}`);
    const data = (await res.json()) as {{ items: Item{n}[] }};
    return data.items.filter((item) => item.tags?.includes("active"));
  }}

  async create(name: string): Promise<Item{n}> {{
    const {{ data }} = await axios.post<Item{n}>(`${{this.base}}/items`, {{ name, tags: ["a", "b"] }});
    return data;
  }}

  async rows(limit = 50): Promise<unknown[]> {{
    const result = await this.db.query("SELECT id, name FROM items WHERE owner = $1 LIMIT $2", [OWNER, limit]);
    return result.rows.map((row: Record<string, unknown>) => ({{ ...row, n: {n} }}));
  }}

  async cleanup(dir: string): Promise<void> {{
    for (const entry of await readdir(dir)) {{
      if (entry.endsWith(".tmp")) await unlink(path.join(dir, entry));
    }}
  }}
}}
'''


def python_file(lines: int = 500) -> str:
    head = ("import logging\nimport os\nimport requests\nimport sqlite3\nimport boto3\n\n"
            'OWNER = "me"\nconn = sqlite3.connect("app.db")\n')
    tail = ('\nif __name__ == "__main__":\n    Service0(requests.Session(), conn).rows()\n'
            '    boto3.client("s3").delete_bucket(Bucket="scratch")')
    return _fill(head, PY_BLOCK, tail, "# -", lines)


def _fill(head: str, block: str, tail: str, comment: str, lines: int) -> str:
    """head, as many whole blocks as fit, comment lines, tail: exactly `lines` lines."""
    text, n = head, 0
    while (text + block.format(n=n) + tail).count("\n") + 1 <= lines:
        text, n = text + block.format(n=n), n + 1
    missing = lines - (text + tail).count("\n") - 1
    return text + "".join(f"{comment}\n" for _ in range(missing)) + tail


def typescript_file(lines: int = 500) -> str:
    head = ('import axios from "axios";\nimport path from "node:path";\nimport { readdir, unlink } from "node:fs/promises";\n'
            'import { Pool } from "pg";\nimport { S3Client, DeleteObjectCommand } from "@aws-sdk/client-s3";\n\n'
            'const OWNER = "me";\n')
    tail = '\nawait new S3Client({}).send(new DeleteObjectCommand({ Bucket: "scratch", Key: "k" }));'
    return _fill(head, TS_BLOCK, tail, "// -", lines)


IMPORT_PROBES = {
    "python (ast + the reader + python_sinks)": (
        "import ast; from guardsh.analyzers.code import read, python_sinks"),
    "typescript (tree-sitter grammar + parser)": (
        "from guardsh.analyzers.code import javascript; javascript._parser(True)"),
    "tokens_more": "from guardsh.analyzers.code import tokens_more",
}


def import_ms(statement: str, runs: int = 5) -> float:
    """Median time of the import in a fresh interpreter, minus that interpreter's own start."""
    code = f"import time; t = time.perf_counter(); {statement}; print((time.perf_counter() - t) * 1000)"
    samples = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                    cwd=ROOT).stdout) for _ in range(runs)]
    return statistics.median(samples)


def read_ms(read, rounds: int) -> tuple[float, float, float]:
    """Median and p90 wall time, and median CPU time of this process: on a shared machine
    (load above the core count) wall time measures the neighbours, CPU time the reader."""
    read()  # warm: the first read builds caches (parsers, queries, regexes)
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        read()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    wall.sort()
    return statistics.median(wall), wall[int(len(wall) * 0.9) - 1], statistics.median(cpu)


def _line_costs(py: str, ts: str) -> dict:
    """Whole lines through the reader: a program file read by content (python3 FILE.py, npx
    tsx FILE.ts), a name resolved on PATH (a PATH of 12 entries, the name in the last), and
    a plain allowed command, for the per-command cost of PATH resolution and payload sniffing."""
    import tempfile

    from guardsh.policy.load import load_ruleset
    from guardsh.shell.read import read_line

    programs = load_ruleset(user_file="").programs
    work = Path(tempfile.mkdtemp(prefix="guardsh-bench-"))
    (work / "service.py").write_text(py)
    (work / "service.ts").write_text(ts)
    dirs = [work / f"bin{i}" for i in range(12)]
    for d in dirs:
        d.mkdir()
    tool = dirs[-1] / "tidy"
    tool.write_text("#!/bin/sh\necho tidy\n")
    tool.chmod(0o755)
    os.environ["PATH"] = ":".join(map(str, dirs)) + ":/usr/bin:/bin"

    def line(text):
        return lambda: read_line(text, programs, cwd=str(work), budget=10)

    return {
        "line: python3 service.py (500 lines)": line("python3 service.py"),
        "line: npx tsx service.ts (500 lines)": line("npx tsx service.ts"),
        "line: tidy (a script found on PATH, 12 entries)": line("tidy --all"),
        "line: ls -la (PATH resolution, nothing to read)": line("ls -la"),
        "line: git status && grep -rn TODO src | head": line("git status && grep -rn TODO src | head"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    from guardsh.analyzers.code.read import analyze_code

    py, ts = python_file(), typescript_file()
    assert py.count("\n") + 1 == 500 and ts.count("\n") + 1 == 500, "the files must be 500 lines"
    for language, text in (("python", py), ("typescript", ts)):
        kinds = [e.kind for e in analyze_code(language, text).effects]
        assert "code.sdk-delete" in kinds and "code.unparseable" not in kinds, f"the files must be read whole: {kinds}"
    reads = {
        "python 500 lines (ast reader with its sinks)": lambda: analyze_code("python", py),
        "typescript 500 lines (tree-sitter reader)": lambda: analyze_code("typescript", ts),
    }
    reads.update(_line_costs(py, ts))
    results = {"reads": {}, "imports": {}}
    for name, read in reads.items():
        median, p90, cpu = read_ms(read, options.rounds)
        results["reads"][name] = {"median_ms": round(median, 2), "p90_ms": round(p90, 2),
                                  "cpu_ms": round(cpu, 2), "pass": min(median, cpu) < TARGET_MS}
    for name, statement in IMPORT_PROBES.items():
        results["imports"][name] = {"median_ms": round(import_ms(statement), 1)}
    if options.json:
        print(json.dumps(results, indent=2))
        return 0
    load = os.getloadavg()[0]
    print(f"read one file: wall median / p90, CPU median, of {options.rounds}; target < {TARGET_MS:.0f} ms "
          f"(load {load:.1f} on {os.cpu_count()} cores{': wall time is inflated' if load > os.cpu_count() else ''})")
    for name, r in results["reads"].items():
        print(f"  {name:50} {r['median_ms']:7.2f} ms {r['p90_ms']:7.2f} ms  cpu {r['cpu_ms']:7.2f} ms  "
              f"{'PASS' if r['pass'] else 'FAIL'}")
    print("one-time import, in a fresh interpreter (median of 5)")
    for name, r in results["imports"].items():
        print(f"  {name:50} {r['median_ms']:7.1f} ms")
    return 0 if all(r["pass"] for r in results["reads"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
