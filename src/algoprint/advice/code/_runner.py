"""Child-side entry point of ``algoprint profile -- python ...`` (standard library only).

The parent runs ``<the user's python> [its options] /path/to/_runner.py --out FILE
--interval S --bucket S (--script PATH | --module NAME) -- ARGS...``. This file is run by path,
not as ``-m algoprint...``, so it works in any interpreter the user names, with or without
algoprint installed there; it loads the sampler from its own directory by path.

It makes the target see what ``python script.py`` / ``python -m mod`` would give it
(``sys.argv``, ``sys.path[0]``, ``__main__``), samples its stacks, and writes the aggregated
profile to FILE (atomically) when the target ends, however it ends, then lets the target's exit
status or exception through unchanged. A target that calls ``os._exit`` leaves no profile: the
parent then reports whole-process energy only and says why.
"""

from __future__ import annotations

import importlib.util
import json
import os
import runpy
import sys
from typing import Any


def _load_sampler() -> Any:
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_sampler.py")
    spec = importlib.util.spec_from_file_location("_algoprint_profile_sampler", path)
    if spec is None or spec.loader is None:  # pragma: no cover - the file ships with us
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _parse(argv: list[str]) -> dict[str, Any]:
    opts: dict[str, Any] = {"interval": 0.005, "bucket": 0.1, "script": None, "module": None}
    i = 0
    while i < len(argv):
        flag = argv[i]
        if flag == "--":
            opts["args"] = argv[i + 1 :]
            return opts
        if flag not in ("--out", "--interval", "--bucket", "--script", "--module"):
            raise SystemExit(f"algoprint profile runner: unknown option {flag!r}")
        opts[flag[2:]] = argv[i + 1]
        i += 2
    opts["args"] = []
    return opts


def _write(path: str, data: dict[str, Any]) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(tmp, path)


def main(argv: list[str]) -> None:
    opts = _parse(argv)
    sampler_module = _load_sampler()
    here = os.path.dirname(os.path.abspath(__file__))
    script, module = opts["script"], opts["module"]
    target_dir = os.getcwd() if module else os.path.dirname(os.path.abspath(script))
    # Like the interpreter: sys.path[0] is the script's directory (or the cwd for -m), unless
    # -I/-P asked for none; never this package directory.
    if sys.path and os.path.abspath(sys.path[0] or os.curdir) == here:
        sys.path[0] = target_dir
    sys.argv = [script or module, *opts["args"]]
    frozen_runpy = "<frozen runpy>"
    sampler = sampler_module.StackSampler(
        interval_s=float(opts["interval"]),
        bucket_s=float(opts["bucket"]),
        skip_files={os.path.abspath(__file__), __file__, runpy.__file__, frozen_runpy},
    )
    sampler.start()
    try:
        if module:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(script, run_name="__main__")
    finally:
        sampler.stop()
        data = sampler.to_dict()
        data["target"] = {"script": script, "module": module, "argv": sys.argv}
        _write(opts["out"], data)


if __name__ == "__main__":
    main(sys.argv[1:])
