"""The course command line: ``python -m autograder <command>``."""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="generate release/ from source/ with nbgrader")
    build.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    args = parser.parse_args(argv)

    if args.command == "build":
        from autograder.build import build_release

        for path in build_release(args.assignments or None):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
