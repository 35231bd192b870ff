"""Command line of the student package.

    python -m nndl download-cifar10 [--dest DIR] [--cache DIR] [--seed N] [--force]

downloads CIFAR-10 (once, into the cache folder) and writes a cat vs non-cat
dataset from it into ``--dest``; then ``export NNDL_DATA_DIR=DIR`` makes
``nndl.data.load_catvnoncat`` read it.
"""

from __future__ import annotations

import argparse
import sys

from . import cifar
from .data import DATA_DIR_ENV, DatasetError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nndl", description="Tools of the nndl course package.")
    commands = parser.add_subparsers(dest="command", required=True)
    get = commands.add_parser(
        "download-cifar10",
        help="build a real-photo cat vs non-cat dataset from CIFAR-10",
        description=(
            "Download the CIFAR-10 Python archive (about 163 MiB, checked by MD5, resumable) "
            "and write train_catvnoncat.h5 and test_catvnoncat.h5 built from it."
        ),
    )
    get.add_argument("--dest", help=f"output folder (default: {cifar.default_output_dir()})")
    get.add_argument("--cache", help=f"folder for the downloaded archive (default: {cifar.cache_dir()})")
    get.add_argument("--seed", type=int, default=1, help="seed of the sampling (default: 1)")
    get.add_argument("--n-train", type=int, default=209, help="training images (default: 209)")
    get.add_argument("--n-train-cats", type=int, default=72, help="cats among them (default: 72)")
    get.add_argument("--n-test", type=int, default=50, help="test images (default: 50)")
    get.add_argument("--n-test-cats", type=int, default=33, help="cats among them (default: 33)")
    get.add_argument("--force", action="store_true", help="allow writing into the course's own datasets folder")
    get.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    get.add_argument("--url", default=cifar.CIFAR10.url, help="download from a mirror instead")
    get.add_argument("--md5", default=cifar.CIFAR10.md5, help="expected MD5 of the file at --url")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 on success, 1 on error)."""
    args = _parser().parse_args(argv)
    if args.command == "download-cifar10":
        official = args.url == cifar.CIFAR10.url and args.md5 == cifar.CIFAR10.md5
        remote = cifar.RemoteFile(
            url=args.url,
            md5=args.md5.lower(),
            size=cifar.CIFAR10.size if official else None,
            filename=cifar.CIFAR10.filename,
        )
        try:
            dest = cifar.prepare_cifar_catvnoncat(
                args.dest,
                args.cache,
                remote=remote,
                progress=not args.no_progress,
                n_train=args.n_train,
                n_train_cats=args.n_train_cats,
                n_test=args.n_test,
                n_test_cats=args.n_test_cats,
                seed=args.seed,
                force=args.force,
            )
        except (cifar.DownloadError, DatasetError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"Wrote {dest / 'train_catvnoncat.h5'} and {dest / 'test_catvnoncat.h5'}.")
        print(f"To use them: export {DATA_DIR_ENV}={dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
