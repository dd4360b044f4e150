"""Run the scenario (driver.py) in the real QGIS desktop under Xvfb, in English and French.

``python -m tests.scenarios.run [--lang en --lang fr] [--out tests/output/scenarios]``

For each language: a fresh QGIS profile (locale set), a free X display chosen by Xvfb itself
(``-displayfd``: no lock-file race between parallel runs), the plugin from this checkout, the
local S3 mirror (tests/fixtures/mirror.py) as the endpoint. Every wait is bounded; Xvfb and
QGIS are always killed. Exit status 0 only when every check of every language passed.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("driver.py")
QGIS_TIMEOUT_S = 900
SCREEN = "1600x1000x24"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", action="append", choices=("en", "fr"))
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "output" / "scenarios")
    args = parser.parse_args(argv)
    languages = args.lang or ["en", "fr"]
    for tool in ("Xvfb", "xdotool", "qgis"):
        if shutil.which(tool) is None:
            print(f"scenario: {tool} is missing (make setup installs xvfb and xdotool)", file=sys.stderr)
            return 2
    from tests.fixtures.mirror import start_mirror

    t0 = time.perf_counter()
    mirror = start_mirror(data_root=REPO / ".mirror_data")
    failed = []
    try:
        for language in languages:
            out = args.out / language
            if out.exists():
                shutil.rmtree(out)
            out.mkdir(parents=True)
            ok = run_language(language, out, mirror.endpoint_url)
            if not ok:
                failed.append(language)
    finally:
        mirror.stop()
    print(f"scenario: {', '.join(languages)} in {time.perf_counter() - t0:.0f} s; screenshots in {args.out}")
    if failed:
        print(f"scenario FAILED in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def run_language(language: str, out: Path, endpoint_url: str) -> bool:
    """One QGIS session; prints the checks; True when all passed."""
    profiles = out / "profiles"
    ini = profiles / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text(
        f"[locale]\noverrideFlag=true\nuserLocale={language}\nglobalLocale={language}\n"
        "[qgis]\ncheckVersion=false\nshowTips=false\n"
        "[PythonPlugins]\nitslive_qgis=true\n",
        encoding="utf-8",
    )
    xvfb, display = start_xvfb(out / "xvfb.log")
    t0 = time.perf_counter()
    log = out / "qgis.log"
    try:
        env = dict(os.environ)
        env.pop("QT_QPA_PLATFORM", None)
        env.update(
            DISPLAY=f":{display}",
            QGIS_PLUGINPATH=str(REPO),
            PYTHONPATH=os.pathsep.join(
                [str(REPO / ".venv" / "lib" / "python3.11" / "site-packages"), str(REPO)]
            ),
            ITSLIVE_S3_ENDPOINT_URL=endpoint_url,
            ITSLIVE_CACHE_DIR=str(out / "cache"),
            SCENARIO_OUT=str(out),
            SCENARIO_LANG=language,
            LANG="fr_FR.UTF-8" if language == "fr" else "C.UTF-8",
            XDG_RUNTIME_DIR=str(out / "runtime"),
            AWS_EC2_METADATA_DISABLED="true",
        )
        (out / "runtime").mkdir(mode=0o700)
        command = [
            "qgis",
            "--profiles-path",
            str(profiles),
            "--nologo",
            "--noversioncheck",
            "--code",
            str(DRIVER),
        ]
        # e.g. SCENARIO_WRAP="gdb -batch -ex run -ex 'thread apply all bt 20' --args": a crash's C stacks
        wrap = shlex.split(os.environ.get("SCENARIO_WRAP", ""))
        if wrap:  # a debugger needs the binary the /usr/bin/qgis script execs
            command = [*wrap, shutil.which("qgis") + ".bin", *command[1:]]
        with open(log, "wb") as handle:
            qgis = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                    start_new_session=True)  # fmt: skip
            try:
                rc = qgis.wait(timeout=QGIS_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                rc = "timeout"
            finally:  # QGIS' crash handler may have started another process in the group
                try:
                    os.killpg(qgis.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                qgis.wait()
    finally:
        stop(xvfb)
    seconds = time.perf_counter() - t0
    results_path = out / "results.json"
    if not results_path.exists():
        print(f"[{language}] QGIS ended ({rc}) without results; see {log}")
        print(log.read_text(errors="replace")[-3000:])
        return False
    results = json.loads(results_path.read_text(encoding="utf-8"))
    print(f"[{language}] QGIS exit {rc}, {seconds:.0f} s")
    for step in results["steps"]:
        print(f"  {step['name']:<26} {step['seconds']:6.1f} s  largest gap {step['max_gap_ms']:5.0f} ms")
        for check in step["checks"]:
            mark = "KNOWN" if check.get("known") else ("ok  " if check["ok"] else "FAIL")
            detail = "" if check["ok"] and not check.get("known") else f"  <- {check['detail']}"
            print(f"      {mark} {check['check']}{detail}")
    for entry in results.get("log_problems", []):
        print(f"  LOG [{entry['step']}] {entry['tag']}: {entry['message'][:300]}")
    complete = len(results["steps"]) > 0 and "log_problems" in results
    return bool(results["ok"]) and complete and rc == 0


def start_xvfb(log: Path) -> tuple[subprocess.Popen, str]:
    """Xvfb on a display number it picks itself (written to a pipe); bounded wait."""
    read_fd, write_fd = os.pipe()
    with open(log, "wb") as handle:
        process = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", SCREEN, "-nolisten", "tcp", "-noreset"],
            pass_fds=(write_fd,),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    os.close(write_fd)
    ready, _, _ = select.select([read_fd], [], [], 30)
    text = os.read(read_fd, 64).decode().strip() if ready else ""
    # the read end stays open while Xvfb runs: a closed pipe makes it exit at its next write
    process.display_pipe = read_fd
    if not text:
        stop(process)
        raise RuntimeError("Xvfb did not start within 30 s")
    return process, text


def stop(process: subprocess.Popen) -> None:
    """Terminate, then kill, a process we started."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    pipe = getattr(process, "display_pipe", None)
    if pipe is not None:
        os.close(pipe)
        process.display_pipe = None


if __name__ == "__main__":
    sys.exit(main())
