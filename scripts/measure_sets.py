"""Measure the download size and time of each installable set (docs/install.md's table).

Installs ``core`` into a fresh profile with an empty pip cache, then each optional set on top of
it into its own fresh profile (the cache then holds the core wheels, so the extra bytes and
seconds are those of the optional set). Uses the Python given (default: /usr/bin/python3, the one
QGIS runs on Debian) and the registry pip is configured for.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from itslive_qgis import deps, installer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--sets", default=",".join(s for s in deps.SETS if s != "core"))
    args = parser.parse_args(argv)
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PIP_CACHE_DIR"] = str(Path(tmp, "pip-cache"))
        core = installer.install(["core"], Path(tmp, "core"), args.python, log=lambda line: None)
        rows["core"] = {
            "packages": len(core.packages),
            "download_MiB": round(core.download_bytes / 2**20, 1),
            "seconds": {k: round(v, 1) for k, v in core.seconds.items()},
        }
        print(json.dumps({"core": rows["core"]}), flush=True)
        for name in deps.parse_sets(args.sets):
            res = installer.install([name], Path(tmp, name), args.python, log=lambda line: None)
            extra = sorted(set(res.packages) - set(core.packages))
            rows[name] = {
                "packages": extra,
                "download_MiB": round((res.download_bytes - core.download_bytes) / 2**20, 1),
                "seconds": {k: round(v, 1) for k, v in res.seconds.items()},
            }
            print(json.dumps({name: rows[name]}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
