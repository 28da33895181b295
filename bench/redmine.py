"""Benchmark: dondoc's counts beside Redmine's on the same data, one machine, alternated runs.

Not part of the test suite; it needs Redmine installed. On Debian 12 (Redmine 5.0.4):

    echo "redmine redmine/dbconfig-install boolean false" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y redmine redmine-pgsql
    cat > /etc/redmine/default/database.yml <<'EOF'
    production:
      adapter: postgresql
      database: redmine_bench
      host: 127.0.0.1
      port: 5432
      username: postgres
      encoding: utf8
    EOF
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE redmine_bench"
    cd /usr/share/redmine && bundle exec rake db:migrate RAILS_ENV=production
    cd /usr/share/redmine && REDMINE_LANG=en bundle exec rake redmine:load_default_data \
        RAILS_ENV=production

Then, e.g. (full size; the dondoc database is filled by synth once and reused):

    .venv/bin/python -m bench.redmine --tasks 1000000 \
        --dondoc-url postgresql://postgres@127.0.0.1:5432/dondoc_bench_redmine

What it does: fills the dondoc database (storage/synth.py, as bench.rollup does), then copies
its tasks into Redmine's database by SQL (COPY), one issue per task: 40 assignees (the lead
agencies folded onto 40 users), the status from the task's state (done → Closed, cancelled →
Rejected, in progress → In Progress, else New), the due date from the deadline, closed_on from
the completion day; one public project. Each Redmine run is a new `rails runner` process (cold:
no query cache; the boot is timed apart) that times `Issue.by_assigned_to(project)` and the
seven counts of Redmine's issue report (ReportsController#issue_report) as the admin; each
dondoc run a new engine and connection (bench.rollup.cold) timing the agency × bucket counts
and the full rollup on PostgreSQL. The two sides alternate which goes first. One JSON object:
medians first, then dondoc ÷ Redmine, then every run.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.rollup import MEASURES, cold, prepare
from storage.db import Database
from storage.models import TaskRow

REDMINE_DIR = Path("/usr/share/redmine")
ASSIGNEES = 40
PROJECT = "dondoc-bench"
STATUS_OF = {"done": "Closed", "cancelled": "Rejected", "in_progress": "In Progress"}
DONDOC = ("agency_x_bucket", "full_rollup")
REPORT_QUERIES = ("by_tracker", "by_version", "by_priority", "by_category", "by_assigned_to",
                  "by_author", "by_subproject")  # fmt: skip

RUNNER = """
require 'json'
User.current = User.where(admin: true).first
project = Project.find_by(identifier: '%(project)s')
t = ->(&b) { s = Process.clock_gettime(Process::CLOCK_MONOTONIC); b.call
             Process.clock_gettime(Process::CLOCK_MONOTONIC) - s }
out = {}
out['by_assigned_to'] = t.call { Issue.by_assigned_to(project).size }
out['issue_report'] = t.call { %(report)s }
out['issues_counted'] = Issue.by_assigned_to(project).sum { |r| r['total'].to_i }
puts 'BENCH ' + out.to_json
"""


def _pg(url: str) -> str:
    """A libpq URL (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def load_redmine(redmine_url: str, dondoc_url: str) -> dict[str, Any]:
    """Replace the bench project's issues by one issue per dondoc task."""
    db = Database(dondoc_url)
    with db.read() as s:
        agencies = sorted(s.scalars(sa.select(TaskRow.lead_agency_id).distinct()))
        rows = s.execute(
            sa.select(
                TaskRow.id,
                TaskRow.lead_agency_id,
                TaskRow.state,
                TaskRow.deadline,
                TaskRow.completed_on,
                TaskRow.created_at,
            )  # fmt: skip
        ).all()
    db.dispose()
    user_of = {a: i % ASSIGNEES for i, a in enumerate(agencies)}
    with psycopg.connect(_pg(redmine_url), autocommit=False) as conn:
        ids = _fixtures(conn)
        users = ids["users"]
        buf = io.StringIO()
        for task_id, agency, state, deadline, completed, created in rows:
            status = ids["status"][STATUS_OF.get(state, "New")]
            closed = f"{completed} 12:00:00" if completed and state == "done" else r"\N"
            buf.write(
                f"{ids['project']}\t{ids['tracker']}\t{ids['priority']}\t{ids['admin']}\t"
                f"{users[user_of[agency]]}\t{status}\ttask {task_id}\t"
                f"{deadline or chr(92) + 'N'}\t{closed}\t{created:%Y-%m-%d %H:%M:%S}\t"
                f"{created:%Y-%m-%d %H:%M:%S}\n"
            )
        cols = ("project_id, tracker_id, priority_id, author_id, assigned_to_id, status_id, "
                "subject, due_date, closed_on, created_on, updated_on")  # fmt: skip
        with conn.cursor() as cur:
            with cur.copy(f"COPY issues ({cols}) FROM STDIN") as copy:
                copy.write(buf.getvalue())
            cur.execute("UPDATE issues SET root_id = id, lft = 1, rgt = 2 WHERE root_id IS NULL")
        conn.commit()
        with conn.cursor() as cur:
            conn.autocommit = True
            cur.execute("VACUUM ANALYZE issues")
    return {"issues": len(rows), "assignees": len(set(user_of.values()))}


def _one(cur: psycopg.Cursor[Any]) -> tuple[Any, ...]:
    row = cur.fetchone()
    assert row is not None, "the query returns one row"
    return row


def _fixtures(conn: psycopg.Connection) -> dict[str, Any]:
    """The project (emptied), 40 assignee users, the ids of a tracker, priority and statuses."""
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM projects WHERE identifier = %s", (PROJECT,))
        found = cur.fetchone()
        if found is None:
            cur.execute(
                "INSERT INTO projects (name, identifier, is_public, status, lft, rgt, "
                "created_on, updated_on) VALUES ('dondoc bench', %s, true, 1, "
                "(SELECT coalesce(max(rgt), 0) + 1 FROM projects), "
                "(SELECT coalesce(max(rgt), 0) + 2 FROM projects), now(), now()) RETURNING id",
                (PROJECT,),
            )
            found = _one(cur)
            cur.execute("INSERT INTO enabled_modules (project_id, name) VALUES (%s, "
                        "'issue_tracking')", found)  # fmt: skip
            cur.execute("INSERT INTO projects_trackers (project_id, tracker_id) "
                        "SELECT %s, id FROM trackers", found)  # fmt: skip
        project = found[0]
        cur.execute("DELETE FROM issues WHERE project_id = %s", (project,))
        users = []
        for i in range(ASSIGNEES):
            login = f"bench{i:02d}"
            cur.execute("SELECT id FROM users WHERE login = %s", (login,))
            row = cur.fetchone()
            if row is None:
                cur.execute(
                    "INSERT INTO users (login, hashed_password, firstname, lastname, admin, "
                    "status, type, mail_notification, created_on, updated_on) VALUES "
                    "(%s, '', 'Bench', %s, false, 1, 'User', 'none', now(), now()) RETURNING id",
                    (login, f"{i:02d}"),
                )
                row = _one(cur)
            users.append(row[0])
        cur.execute("SELECT id FROM trackers ORDER BY position LIMIT 1")
        tracker = _one(cur)[0]
        cur.execute("SELECT id FROM enumerations WHERE type = 'IssuePriority' ORDER BY position")
        priority = cur.fetchall()[1][0]
        cur.execute("SELECT name, id FROM issue_statuses")
        status: dict[str, int] = dict(cur.fetchall())
        cur.execute("SELECT id FROM users WHERE admin ORDER BY id LIMIT 1")
        admin = _one(cur)[0]
    return {"project": project, "users": users, "tracker": tracker, "priority": priority,
            "status": status, "admin": admin}  # fmt: skip


def redmine_run(redmine_dir: Path) -> dict[str, float]:
    """One cold `rails runner`: its queries' seconds, and the whole process's."""
    report = "; ".join(f"Issue.{q}(project).size" for q in REPORT_QUERIES)
    with tempfile.NamedTemporaryFile("w", suffix=".rb", delete=False) as f:
        f.write(RUNNER % {"project": PROJECT, "report": report})
    try:
        started = time.perf_counter()
        done = subprocess.run(
            ["bundle", "exec", "rails", "runner", "-e", "production", f.name],
            cwd=redmine_dir, capture_output=True, text=True, check=True,
            env={**os.environ, "RAILS_ENV": "production"},
        )  # fmt: skip
        took = time.perf_counter() - started
    finally:
        os.unlink(f.name)
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH "))
    found = json.loads(line[6:])
    return {**found, "process": took}


def run(args: argparse.Namespace) -> dict[str, Any]:
    db, info = prepare(args.dondoc_url, args.tasks)
    db.dispose()
    loaded = load_redmine(args.redmine_url, args.dondoc_url)
    runs: dict[str, list[float]] = {k: [] for k in ("by_assigned_to", "issue_report",
                                                    "redmine_process", *DONDOC)}  # fmt: skip
    counted = None
    for i in range(args.repeat):
        order = ("redmine", "dondoc") if i % 2 == 0 else ("dondoc", "redmine")
        for side in order:
            if side == "redmine":
                found = redmine_run(args.redmine_dir)
                runs["by_assigned_to"].append(found["by_assigned_to"])
                runs["issue_report"].append(found["issue_report"])
                runs["redmine_process"].append(found["process"])
                counted = found["issues_counted"]
            else:
                for name in DONDOC:
                    runs[name].append(cold(args.dondoc_url, MEASURES[name]))
    if counted != loaded["issues"]:
        raise SystemExit(f"Redmine counted {counted} issues of {loaded['issues']} loaded")
    med = {k: round(statistics.median(v), 4) for k, v in runs.items()}
    return {
        "medians_s": med,
        "dondoc_over_redmine": {
            "agency_x_bucket / by_assigned_to": round(
                med["agency_x_bucket"] / med["by_assigned_to"], 3
            ),
            "full_rollup / issue_report": round(med["full_rollup"] / med["issue_report"], 3),
        },  # fmt: skip
        "size": {"tasks": info["tasks"], **loaded, "issues_counted_by_redmine": counted},
        "runs_s": {k: [round(x, 4) for x in v] for k, v in runs.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument(
        "--dondoc-url", default="postgresql://postgres@127.0.0.1:5432/dondoc_bench_redmine"
    )
    parser.add_argument(
        "--redmine-url", default="postgresql://postgres@127.0.0.1:5432/redmine_bench"
    )
    parser.add_argument("--redmine-dir", type=Path, default=REDMINE_DIR)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()  # fmt: skip
    print(json.dumps(run(args), ensure_ascii=False))


if __name__ == "__main__":
    main()
