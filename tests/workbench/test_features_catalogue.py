"""The menu's features come from the server (`me { features }`, access/features.py); the SPA names
them in access.ts. A feature the SPA declares but the server never offers is a page nobody finds."""

import re
from pathlib import Path

from talentloop.access.features import BY_OPERATION, BY_ROLE, EVERYONE, OWN_FEATURES

ROOT = Path(__file__).resolve().parents[2]


def spa_features() -> set[str]:
    text = (ROOT / "frontend" / "src" / "access.ts").read_text(encoding="utf-8")
    union = re.search(r"export type Feature =(.*?)\n\n", text, re.S)
    assert union is not None
    return set(re.findall(r"'(\w+)'", union.group(1)))


def test_every_spa_feature_is_offered_to_someone() -> None:
    offered = set(EVERYONE) | OWN_FEATURES
    for features in (*BY_ROLE.values(), *BY_OPERATION.values()):
        offered |= features
    declared = spa_features()
    assert len(declared) > 30  # the pattern found the union
    assert declared - offered == set(), "features the server offers nobody"
    assert offered - declared == set(), "features the SPA does not know"
