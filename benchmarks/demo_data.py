"""Time `demo-data --pledges N` on an empty, migrated database (SQLite and/or PostgreSQL).

    python benchmarks/demo_data.py --pledges 100000
    python benchmarks/demo_data.py --pledges 100000 --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Prints the seconds and the rows per second, and the ratio to the 60 s budget of DESIGN.md.
For PostgreSQL the given database is emptied first (schema dropped and re-created).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from p2c import create_app  # noqa: E402
from p2c.extensions import db  # noqa: E402
from p2c.reference.loaders import load_all  # noqa: E402

BUDGET_SECONDS = 60.0


def run(url: str, pledges: int, seed: int) -> float:
    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        load_all()
        db.session.commit()
    runner = app.test_cli_runner()
    started = time.perf_counter()
    result = runner.invoke(args=["p2c", "demo-data", "--pledges", str(pledges), "--seed", str(seed)])
    elapsed = time.perf_counter() - started
    if result.exit_code != 0:
        print(result.output, file=sys.stderr)
        raise SystemExit(1)
    print(result.output.strip().splitlines()[-1])
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pledges", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2030)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite'}"
    kind = url.split(":", 1)[0]
    elapsed = run(url, args.pledges, args.seed)
    print(f"{kind}: demo-data --pledges {args.pledges}: {elapsed:.1f} s "
          f"({args.pledges / elapsed:,.0f} pledges/s; {elapsed / BUDGET_SECONDS:.2f} of the 60 s budget)")


if __name__ == "__main__":
    main()
