"""``apparel results make|verify|list``: the results ledger the chapters rest on."""

from __future__ import annotations

import argparse
import time

from ..errors import ApparelError
from .conventions import command, device_arg, int_at_least, positive_float
from .table import count, print_lines, run_line

__all__ = ["add"]


def add(sub: argparse._SubParsersAction) -> None:
    """The ``results`` command group."""
    results = sub.add_parser("results", help="make, verify or list the results ledger the chapters rest on",
                             description="make, verify or list the results ledger the chapters rest on (APPAREL_LEDGER, or the one the project's pyproject.toml names: ledger/ in the book's repository)")
    results_sub = results.add_subparsers(dest="results_command", required=True, metavar="COMMAND", parser_class=type(results))
    make = command(results_sub, "make", _results_make, "train the chapters' planned runs that the ledger lacks and write their entries")
    make.add_argument("--chapter", type=int, action="append", metavar="N", help="only this chapter's runs (repeat for several; default: every planned chapter)")
    device_arg(make)
    make.add_argument("--workers", type=int_at_least(1), default=1, metavar="N", help="train in N processes sharing the machine's threads (default: %(default)s)")
    make.add_argument("--force", action="store_true", help="recompute entries the ledger already has")
    verify = command(results_sub, "verify", _results_verify, "retrain ledger entries from scratch and compare them within their tolerance")
    amount = verify.add_mutually_exclusive_group()
    amount.add_argument("--sample", type=int_at_least(1), default=3, metavar="N", help="check N entries chosen at random, rotating by date (default: %(default)s)")
    amount.add_argument("--all", action="store_true", help="check every entry")
    verify.add_argument("--seed", type=int, help="choose the sample with this seed instead of today's date")
    verify.add_argument("--max-seconds", type=positive_float, metavar="S", help="sample only entries that trained in at most S seconds")
    verify.add_argument("--study", type=int_at_least(1), metavar="N",
                        help="instead of entries: retrain N completed trials of chapter 10's study (same knobs, same subset) and compare them with its journal")
    verify.add_argument("--study-tolerance", type=positive_float, default=2.0, metavar="POINTS",
                        help="how far a retrained trial may land from the journal, in points (default: %(default)s)")
    verify.add_argument("--speedrun-attempt", metavar="NAME",
                        help="instead of entries: retrain this attempt of the speedrun record and compare it")
    verify.add_argument("--speedrun-record", default="notebooks/records/speedrun_attempts.json", metavar="PATH",
                        help="the speedrun record (default: %(default)s)")
    device_arg(verify)
    command(results_sub, "list", _results_list, "one line per ledger entry: key, chapters, accuracies, seconds, where computed, run")


def _results_make(args: argparse.Namespace) -> None:
    from ..book_plans.make import make_ledger
    from ..runs.ledger import the_ledger

    ledger = the_ledger()
    start = time.perf_counter()

    def report(run, entry) -> None:
        r = entry.result
        test = f", test {r.test_acc:.4f}" if r.test_acc is not None else ""
        print(f"{entry.key}  ch {run.chapter}  val {r.val_acc:.4f}{test}  {r.seconds:6.1f} s  {r.spec.describe()}", flush=True)

    written = make_ledger(args.chapter, ledger=ledger, device=args.device, workers=args.workers, force=args.force, report=report)
    print(f"{count(len(written), 'entry', 'entries')} written to {ledger.root} in {time.perf_counter() - start:.0f} s")


def _report(check, source: str = "ledger") -> None:
    verdict = "ok " if check.ok else "FAIL"
    print(f"{verdict} {check.key}  {source} {check.ledger:.4f}  retrained {check.retrained:.4f}  "
          f"difference {check.difference:+.4f} (tolerance {check.tolerance:.4f})  {check.run}", flush=True)


def _recheck(args: argparse.Namespace) -> None:
    """``verify --study`` / ``--speedrun-attempt``: the shipped results that are not ledger entries."""
    from ..book_plans.recheck import recheck_attempt, recheck_study
    from ..runs.ledger import default_ledger

    start, failed = time.perf_counter(), []
    done = []
    if args.study:
        done.append(("chapter 10's study", recheck_study(args.study, seed=args.seed, tolerance_points=args.study_tolerance / 100,
                                                        device=args.device, report=lambda c: _report(c, "journal"))))
    if args.speedrun_attempt:
        done.append(("the speedrun record", recheck_attempt(args.speedrun_attempt, args.speedrun_record, ledger=default_ledger(),
                                                           device=args.device, report=lambda c: _report(c, "record"))))
    for name, recheck in done:
        bad = [c for c in recheck.checks if not c.ok]
        failed += bad
        print(f"{name}: {recheck.what}: {len(recheck.checks) - len(bad)} of {len(recheck.checks)} reproduced within tolerance; "
              f"the full check would take about {recheck.full_seconds / 60:.1f} minutes of training (the recorded seconds)")
    print(f"checked in {time.perf_counter() - start:.0f} s")
    if failed:
        raise ApparelError(f"{', '.join(c.key for c in failed)} did not reproduce: if the training code changed on purpose, "
                           "remake the record (`apparel results make --chapter 10 --force`, `python -m benchmarks.speedrun_attempts`)")


def _results_verify(args: argparse.Namespace) -> None:
    from ..runs.ledger import verify_ledger

    if args.study or args.speedrun_attempt:
        return _recheck(args)
    start = time.perf_counter()
    report = _report

    checks = verify_ledger(sample=None if args.all else args.sample, seed=args.seed, max_seconds=args.max_seconds,
                           device=args.device, report=report)
    failed = [c for c in checks if not c.ok]
    print(f"{len(checks) - len(failed)} of {len(checks)} entries reproduced within tolerance in {time.perf_counter() - start:.0f} s")
    if failed:
        raise ApparelError(f"{count(len(failed), 'ledger entry', 'ledger entries')} did not reproduce: "
                           "if the training code changed on purpose, recompute them with `apparel results make --force`")


def _results_list(args: argparse.Namespace) -> None:
    from ..runs.ledger import the_ledger

    def line(e) -> str:
        p = e.result.provenance or {}
        where = f"{p.get('gpu') or p.get('processor')}, {p.get('threads')} threads, {p.get('date')}"
        return run_line(e.key, e.result, before=f"ch {','.join(map(str, e.chapters)):<3} ", after=where)

    ledger = the_ledger()
    entries = ledger.entries()
    print_lines(entries, line, f"no entries in {ledger.root}: make them with `apparel results make`")
    if entries:
        total = sum(e.result.seconds for e in entries)
        print(f"{count(len(entries), 'entry', 'entries')}, {total / 60:.0f} minutes of training as recorded (what `results verify --all` retrains)")
