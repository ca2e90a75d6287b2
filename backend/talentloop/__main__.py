"""Command line: `python -m talentloop migrate | seed [--if-empty] | worker | export-schema |
rotate-keys | new-key [--id ID]`."""

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


async def _rotate_keys() -> None:
    from talentloop.db import tortoise_config
    from talentloop.privacy.rotation import rotate_keys

    await Tortoise.init(config=tortoise_config())
    try:
        done = await rotate_keys()
    finally:
        await Tortoise.close_connections()
    print(
        f"{done.values} sealed values checked: {done.resealed} sealed again with key "
        f"{done.key_id!r}, {done.rehashed} look-up hashes renewed, {done.employees} employees "
        f"written. Every value now uses key {done.key_id!r}: older keys may be removed."
    )


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
    sub.add_parser(
        "rotate-keys",
        help="seal every ID number and bank account again with the current key "
        "(the first of TALENTLOOP_ENCRYPTION_KEYS) and renew the look-up hashes",
    )
    new_key = sub.add_parser(
        "new-key", help="print a new key entry for TALENTLOOP_ENCRYPTION_KEYS (kid:base64)"
    )
    new_key.add_argument("--id", help="the key id (default: k + 8 random hex digits)")
    new_key.add_argument(
        "--hash-key", action="store_true", help="print a TALENTLOOP_HASH_KEY value instead"
    )
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
    elif args.command == "rotate-keys":
        asyncio.run(_rotate_keys())
    elif args.command == "new-key":
        from talentloop.privacy.keys import new_hash_key, new_key_entry

        print(new_hash_key() if args.hash_key else new_key_entry(args.id))
    return 0


if __name__ == "__main__":
    sys.exit(main())
