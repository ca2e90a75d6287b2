"""Mutation testing (mutmut 3) of the modules that guard money and access, each against its own
tests: `make mutation` (every module) or `make mutation MODULE=payroll/calc.py`.

mutmut copies the source into `mutants/` beside its configuration and runs pytest there. The
source lives in backend/ and the tests at the repository's root, so each module gets a scratch
directory, var/mutation/<module>/, holding links to both and a setup.cfg naming the module and
its tests; mutmut runs in it. Results are kept there: a second run only tests what changed
(delete the directory to start again).

The score is the share of mutants the tests detect (killed or timed out), twice: of every
mutant, and without the mutants that only change the text of a message (a string literal with
a space or a Chinese character in it: an error message, an audit comment), which no test should
have to spell out. The surviving mutants are listed with their diff.

Every mutant of the approvals engine runs database tests (seconds each on a shared machine):
`--sample N` tests a fixed random sample of N mutants instead (MUTATION_ARGS="--sample 400"),
and the score is then that of the sample. `--tests` runs a module against a part of its tests
(tests/access without the matrix, which takes ten minutes a run): what they detect the whole
suite detects too, so that score is a lower bound. After adding tests, `--survivors` tests
again only the mutants that survived (a detected mutant stays detected when tests are added).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "mutation"
MUTMUT = ROOT / "backend" / ".venv" / "bin" / "mutmut"
SEED = 18  # issue #18: the same sample on every run


@dataclass(frozen=True)
class Module:
    sources: tuple[str, ...]  # under backend/talentloop/
    tests: tuple[str, ...]  # pytest arguments, from the repository's root
    subset: bool = False  # --tests: only some of them

    @property
    def slug(self) -> str:
        slug = "+".join(s.replace("/", "-").removesuffix(".py") for s in self.sources)
        return slug + "-subset" if self.subset else slug


MODULES = {
    "payroll/calc.py": Module(("payroll/calc.py",), ("tests/payroll/test_calc.py",
                                                     "tests/payroll/test_calc_rules.py")),
    "access/policy.py+guard.py": Module(("access/policy.py", "access/guard.py"), ("tests/access",)),
    "analytics/stats.py": Module(("analytics/stats.py",), ("tests/analytics/test_stats.py",
                                                          "tests/analytics/test_stats_edges.py")),
    "approvals/service.py+flows.py+rules.py": Module(
        ("approvals/service.py", "approvals/flows.py", "approvals/rules.py"),
        ("tests/approvals", "tests/roles"),  # who decides by their role grants: tests/roles
    ),
}  # fmt: skip

DETECTED = {"killed", "timeout", "caught by type check"}
UNDETECTED = {"survived", "no tests"}


def _setup(module: Module) -> Path:
    """The scratch directory: links to the package and the tests, and mutmut's settings."""
    where = WORK / module.slug
    where.mkdir(parents=True, exist_ok=True)
    for name, target in (
        ("talentloop", ROOT / "backend" / "talentloop"),
        ("tests", ROOT / "tests"),
    ):
        link = where / name
        if not link.is_symlink():
            link.symlink_to(target)
    lines = [
        "[mutmut]",
        "source_paths=talentloop",
        "only_mutate=" + "\n    ".join(f"talentloop/{s}" for s in module.sources),
        # tests/pytest.ini is the suite's configuration; no cache of the last failures
        "pytest_add_cli_args=-c\n    tests/pytest.ini\n    -p\n    no:cacheprovider",
        "pytest_add_cli_args_test_selection=" + "\n    ".join(module.tests),
        # A child's first test builds the app (the session fixture, on the database its parent
        # migrated): not in the tests' times. mutmut stops a mutant after (tests' time + this)
        # x the multiplier seconds of wall time, twice that of CPU: a mutant that loops forever
        # (a plan that never ends) costs three minutes, not half an hour (mutmut's default of
        # 15); the whole of tests/approvals ran in under two minutes besides its migration at
        # a load of 20 on 2 cores.
        "timeout_constant=30",
        "timeout_multiplier=5",
        "use_git_change_detection=false",
        "",
    ]
    (where / "setup.cfg").write_text("\n".join(lines))
    return where


def _is_message(token: tokenize.TokenInfo) -> bool:
    if token.type != tokenize.STRING:
        return False
    return any(c.isspace() or ord(c) > 0x2E7F for c in token.string.strip("'\"fbr"))


def _tokens(code: str) -> list[tokenize.TokenInfo]:
    out: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT,
                                tokenize.DEDENT, tokenize.ENDMARKER):  # fmt: skip
                out.append(tok)
    except (tokenize.TokenError, IndentationError):
        pass
    return out


def message_only(diff: str) -> bool:
    """Whether a mutant's diff changes nothing but message text (or drops a message)."""
    removed = "\n".join(line[1:] for line in diff.splitlines()
                        if line.startswith("-") and not line.startswith("---"))  # fmt: skip
    added = "\n".join(line[1:] for line in diff.splitlines()
                      if line.startswith("+") and not line.startswith("+++"))  # fmt: skip
    before, after = _tokens(removed), _tokens(added)
    if not before or len(before) != len(after):
        return False
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b.string != a.string]
    return bool(changed) and all(
        _is_message(b) and (a.type == tokenize.STRING or a.string == "None") for b, a in changed
    )


def _report(module: Module, where: Path, only: set[str] | None = None) -> dict[str, object]:
    """Read mutmut's results in the scratch directory (mutmut's own modules, run there); with
    `only`, of those mutants alone (a sample)."""
    script = (
        "import json, sys\n"
        "from mutmut.mutation.data import SourceFileMutationData\n"
        "from mutmut.mutation.diff_apply import get_diff_for_mutant\n"
        "from mutmut.stats import status_by_exit_code\n"
        "out = []\n"
        "only = set(json.loads(sys.stdin.read()))\n"
        "for path in sys.argv[1:]:\n"
        "    m = SourceFileMutationData(path=path)\n"
        "    m.load()\n"
        "    for key, code in m.exit_code_by_key.items():\n"
        "        if only and key not in only:\n"
        "            continue\n"
        "        status = status_by_exit_code[code]\n"
        "        diff = get_diff_for_mutant(key, path=path)\n"
        "        out.append([key, status, diff])\n"
        "print(json.dumps(out))\n"
    )
    paths = [f"talentloop/{s}" for s in module.sources]
    done = subprocess.run(
        [sys.executable, "-c", script, *paths], cwd=where, capture_output=True, text=True,
        check=True, input=json.dumps(sorted(only or ())),
    )  # fmt: skip
    rows: list[list[str]] = json.loads(done.stdout)
    if only:
        rows = [row for row in rows if row[0] in only]
    counts: dict[str, int] = {}
    survivors: list[tuple[str, str]] = []
    detected = undetected = messages = messages_detected = 0
    for key, status, diff in rows:
        counts[status] = counts.get(status, 0) + 1
        if status not in DETECTED | UNDETECTED:
            continue  # skipped, suspicious or not checked: in neither count
        message = message_only(diff)
        messages += message
        if status in DETECTED:
            detected += 1
            messages_detected += message
        else:
            undetected += 1
            if not message:
                survivors.append((key, diff))
    total = detected + undetected
    without = total - messages
    return {
        "mutants": len(rows),
        "tested": total,
        "counts": counts,
        "score": detected / total if total else 1.0,
        "score_without_messages": (detected - messages_detected) / without if without else 1.0,
        "messages": messages,
        "survivors": survivors,
    }


def _meta(module: Module, where: Path) -> dict[str, int | None]:
    """Every mutant of the module and its exit code so far (None: not tested yet)."""
    codes: dict[str, int | None] = {}
    for source in module.sources:
        meta = where / "mutants" / "talentloop" / f"{source}.meta"
        if meta.exists():
            codes.update(json.loads(meta.read_text())["exit_code_by_key"])
    return codes


def _sample(module: Module, where: Path, size: int, env: dict[str, str]) -> list[str]:
    """A fixed random sample of the module's mutants (for the approvals engine, whose every
    mutant runs database tests). The first call lets mutmut make the mutants and
    time the tests: asked for a mutant that does not exist, it stops there."""
    if not _meta(module, where):
        subprocess.run([str(MUTMUT), "run", "no-such-mutant"], cwd=where, env=env, check=False)
    codes = _meta(module, where)
    return random.Random(SEED).sample(sorted(codes), min(size, len(codes)))


def run(
    name: str,
    jobs: int,
    show: bool,
    sample: int | None,
    tests: list[str] | None = None,
    fresh: bool = False,
    survivors: bool = False,
) -> dict[str, object]:
    module = MODULES[name]
    if tests:  # a part of the module's tests: what they kill, the whole would kill too
        module = Module(module.sources, tuple(tests), subset=True)
    if fresh:
        shutil.rmtree(WORK / module.slug, ignore_errors=True)
    where = _setup(module)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DATABASE_URL", None)
    print(
        f"== {name}: mutmut in {where.relative_to(ROOT)} against {' '.join(module.tests)}",
        flush=True,
    )
    chosen = _sample(module, where, sample, env) if sample else []
    codes = _meta(module, where)
    untested = [name for name in chosen if codes.get(name) is None]
    if survivors:  # tests were added: only what survived can change (a detected one stays so)
        untested += [n for n in (chosen or codes) if codes.get(n) == 0 and n not in untested]
        if not untested:
            print(f"== {name}: no survivors to test again", flush=True)
    if (not sample and not survivors) or untested:
        subprocess.run(
            [str(MUTMUT), "run", "--max-children", str(jobs), *untested], cwd=where, env=env,
            check=False,
        )  # fmt: skip
    result = _report(module, where, only=set(chosen))
    print(f"== {name}: {result['mutants']} mutants {result['counts']}")
    if show:
        for key, diff in result["survivors"]:  # type: ignore[attr-defined]
            print(f"-- {key}\n{diff}\n")
    tested = result["tested"]
    print(
        f"== {name}: {tested} of {result['mutants']} mutants tested; score {result['score']:.1%}; "
        f"without the {result['messages']} that only change message text "
        f"{result['score_without_messages']:.1%}",
        flush=True,
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"any of {', '.join(MODULES)} (default: all)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="mutants tested at once (1: the DB tests share one database)")  # fmt: skip
    parser.add_argument("--quiet", action="store_true", help="no list of the survivors")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results")
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="test the surviving mutants again (of the sample, with --sample), after adding tests",
    )
    parser.add_argument(
        "--tests",
        nargs="+",
        help="only these of the module's tests (with one module): the score is a lower bound",
    )
    parser.add_argument(
        "--sample", type=int, help=f"test only this many mutants, a random sample (seed {SEED})"
    )
    args = parser.parse_args()
    names = args.modules or list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        parser.error(f"unknown module {unknown}; known: {', '.join(MODULES)}")
    if args.tests and len(names) != 1:
        parser.error("--tests goes with one module")
    if not MUTMUT.exists():
        parser.error("mutmut is not installed: make backend-setup")
    results = {}
    for name in names:
        results[name] = run(
            name, args.jobs, show=not args.quiet, sample=args.sample, tests=args.tests,
            fresh=args.fresh, survivors=args.survivors,
        )  # fmt: skip
    print("\nmodule                       mutants  tested  score  without messages")
    for name, r in results.items():
        print(
            f"{name:28} {r['mutants']:>7}  {r['tested']:>6}  {r['score']:>5.0%}  "
            f"{r['score_without_messages']:.0%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
