"""What a code reader's findings amount to once the SQL classifier has read the SQL they
hold: the (kind, target) pairs a rule would see, and ("shell", line) for shell-outs."""

from __future__ import annotations

from guardsh.analyzers.sql.read import classify_sql
from guardsh.model import DYN


def judged(findings) -> list[tuple[str, str | None]]:
    found = [(e.kind, e.target.replace(DYN, "$?") if e.target else e.target) for e in findings.effects]
    for statement in findings.sql_statements:
        found += [(e.kind, e.target) for e in classify_sql(statement, "sqlite")]
    found += [("shell", line.replace(DYN, "$?")) for line in findings.shell_commands]
    return found


# The incident: Railway's volumeDelete mutation, as an agent re-sent it after curl was refused.
RAILWAY_URL = "https://backboard.railway.app/graphql/v2"
VOLUME_DELETE = 'mutation { volumeDelete(volumeId: \\"vol-123\\") }'
PROJECT_CREATE = 'mutation { projectCreate(input: {name: \\"demo\\"}) { id } }'
