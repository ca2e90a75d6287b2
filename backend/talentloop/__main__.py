"""Command line: `python -m talentloop migrate | seed [--if-empty] | worker | export-schema`."""

from __future__ import annotations

import argparse
import asyncio
import sys

from tortoise import Tortoise


async def _migrate() -> None:
    from tortoise.migrations.api import migrate

    from talentloop.db import tortoise_config

    try:
        await migrate(config=tortoise_config())
    finally:
        await Tortoise.close_connections()
    print("migrations applied")


async def _seed(if_empty: bool) -> None:
    from talentloop.db import tortoise_config
    from talentloop.demo.company import load_demo_company
    from talentloop.org.models import OrgUnit

    await Tortoise.init(config=tortoise_config())
    try:
        if if_empty and await OrgUnit.exists():
            print("database already has data; demo data not loaded")
            return
        await load_demo_company(progress=lambda msg: print(msg, flush=True))
    finally:
        await Tortoise.close_connections()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="talentloop")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations")
    seed = sub.add_parser("seed", help="load the demo company")
    seed.add_argument("--if-empty", action="store_true", help="only when the database is empty")
    sub.add_parser(
        "worker", help="run background jobs (imports, report exports) until SIGTERM or SIGINT"
    )
    sub.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    args = parser.parse_args(argv)

    if args.command == "migrate":
        asyncio.run(_migrate())
    elif args.command == "seed":
        asyncio.run(_seed(args.if_empty))
    elif args.command == "worker":
        import logging

        from talentloop.jobs.worker import run_forever

        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        asyncio.run(run_forever())
    elif args.command == "export-schema":
        from talentloop.graphql.schema import export_sdl

        sys.stdout.write(export_sdl())
    return 0


if __name__ == "__main__":
    sys.exit(main())
