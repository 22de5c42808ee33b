"""Run every ``bench/bench_*.py``'s ``main()`` in turn: ``python -m bench [NAME ...]``.

NAME selects modules by name (``bench_ledger`` or just ``ledger``). The exit code is 1
if any benchmark raised, after all have run.
"""
import importlib
import sys
import time
import traceback
from pathlib import Path


def discover() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(p.stem for p in here.glob("bench_*.py"))


def main(argv: list[str]) -> int:
    names = discover()
    if argv:
        wanted = {a if a.startswith("bench_") else f"bench_{a}" for a in argv}
        unknown = wanted - set(names)
        if unknown:
            print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have: {', '.join(names) or 'none'}")
            return 2
        names = [n for n in names if n in wanted]
    if not names:
        print("no benchmarks")
        return 0
    failed = []
    for name in names:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            entry = getattr(module, "main", None)
            if entry is None:
                raise AttributeError(f"bench/{name}.py has no main()")
            entry()
        except Exception:  # report and go on with the next benchmark
            traceback.print_exc()
            failed.append(name)
        print(f"== {name}: {time.perf_counter() - started:.2f} s{' (FAILED)' if name in failed else ''}", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
