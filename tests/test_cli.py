"""The command line: real runs end to end, and every failure is one line with an exit status that
says which kind (2 usage, 1 bad input, 130 Ctrl-C)."""

import argparse
import os
import re
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import apparel_lib.cli
from apparel_lib.cli import PROG, build_parser, main

ROOT = Path(__file__).resolve().parents[1]


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "apparel_lib", *map(str, args)],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})}, timeout=600,
    )


def assert_one_line_failure(result, *fragments, code=1):
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.slow
def test_data_info_counts_and_verification(data_in_env):
    result = run("data", "info")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "verified:    yes" in out
    assert "60,000 images 28x28" in out and "10,000 images 28x28" in out
    rows = [line for line in out.splitlines() if "  6,000  1,000" in line]
    assert len(rows) == 10


@pytest.mark.slow
def test_train_predict_score_end_to_end(tmp_path, data_in_env):
    ckpt, sub = tmp_path / "plain.pt", tmp_path / "sub.csv"
    result = run("train", "--model", "plain", "--recipe", "minibatch", "--epochs", "1", "--out", ckpt, "--no-progress", "--device", "cpu")
    assert result.returncode == 0, result.stderr
    assert "397,510 parameters" in result.stdout and ckpt.is_file()
    result = run("predict", ckpt, "--out", sub, "--no-progress")
    assert result.returncode == 0, result.stderr
    assert sub.read_text().splitlines()[:2][0] == "id,label"
    result = run("score", sub)
    assert result.returncode == 0, result.stderr
    accuracy = float(result.stdout.split()[2])
    assert 0.75 < accuracy < 0.95


def test_usage_errors_exit_2_with_one_line():
    assert_one_line_failure(run("train", "--model", "plain"), "required", "see `apparel train --help`", code=2)
    assert_one_line_failure(run("fly"), "invalid choice", "see `apparel --help`", code=2)
    assert_one_line_failure(run("train", "--model", "linear", "--recipe", "tutorial", "--out", "x.pt"),
                            "recipe 'tutorial' has no settings for model 'linear'", code=2)


@pytest.mark.parametrize("argv, fragment", [
    (["train", "--model", "plain", "--epochs", "0", "--out", "{tmp}/x.pt"], "--epochs: must be at least 1, not 0"),
    (["train", "--model", "plain", "--epochs", "two", "--out", "{tmp}/x.pt"], "invalid int value: 'two'"),
    (["train", "--model", "linear", "--recipe", "tutorial", "--out", "{tmp}/x.pt"], "has no settings for model 'linear'"),
    (["classify", "{tmp}/a.png", "--top", "0"], "--top: must be from 1 to 10, not 0"),
    (["classify", "{tmp}/a.png", "--model", "tutorial-cnn"], "measured in training mode"),
    (["train", "--model", "plain", "--device", "gpu", "--out", "{tmp}/x.pt"], "--device: unknown device 'gpu'"),
    (["sweep", "--study", "x", "--trials", "1", "--device", "gpu"], "--device: unknown device 'gpu'"),
    (["runs", "remove"], "--all"),
    (["runs", "remove", "abc", "--all"], "--all"),
    (["sweep", "--study", "x"], "--trials N"),
    (["sweep", "--study", " ", "--trials", "1"], "a study needs a name"),
    (["sweep", "--study", "x", "--trials", "0"], "--trials: must be at least 1"),
    (["sweep", "--study", "x", "--total", "2", "--timeout", "0"], "--timeout: must be a positive number"),
    (["sweep", "--study", "x", "--trials", "1", "--subset", "5"], "--subset: must be at least 10"),
    (["sweep", "--study", "x", "--trials", "1", "--heartbeat", "0"], "--heartbeat: must be at least 1"),
    (["sweep", "--study", "x", "--trials", "1", "--space", "filters=x"], "int"),
    (["sweep", "--study", "x", "--trials", "1", "--space", "epochs=2"], "--epochs N"),
])
def test_usage_errors_are_found_before_anything_is_read_or_written(argv, fragment, tmp_path, monkeypatch, capsys):
    """Arguments that do not fit exit 2 with one line, before data, pictures, stores or studies are touched."""
    import apparel_lib.data.dataset

    def touched(*args, **kwargs):
        raise AssertionError("the data was loaded before the arguments were checked")

    monkeypatch.setattr(apparel_lib.data.dataset, "load_data", touched)
    monkeypatch.setenv("APPAREL_CACHE", str(tmp_path / "cache"))
    assert main([a.format(tmp=tmp_path) for a in argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1, captured.err
    assert captured.err.startswith("error: ") and fragment in captured.err and f"see `apparel {argv[0]}" in captured.err
    assert list(tmp_path.iterdir()) == [], "something was written before the arguments were checked"


def test_ctrl_c_exits_130_with_one_line(monkeypatch, capsys):
    import apparel_lib.data.dataset

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(apparel_lib.data.dataset, "load_data", interrupted)
    assert main(["data", "info"]) == 130
    captured = capsys.readouterr()
    assert captured.err == "error: interrupted; nothing half-written was kept\n" and captured.out == ""


def test_a_real_sigint_exits_130():
    """The signal itself, in a process of its own: Python turns it into KeyboardInterrupt wherever the command is."""
    code = ("import os, signal, sys, time\nimport apparel_lib.data.dataset as dataset\nfrom apparel_lib.cli import main\n"
            "dataset.load_data = lambda *a, **k: os.kill(os.getpid(), signal.SIGINT) or time.sleep(60)\n"
            "sys.exit(main(['data', 'info']))")
    # A process that starts with SIGINT ignored (a pytest-xdist worker's child) keeps ignoring
    # it, as a terminal's would not: start the command with the default disposition.
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert_one_line_failure(result, "interrupted", code=130)


def test_the_program_is_the_installed_script():
    """`apparel` (the script pip installs) and `python -m apparel_lib` are one program, named `apparel`."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {PROG: "apparel_lib.cli:main"} and build_parser().prog == "apparel"
    module = run("--help")
    assert module.returncode == 0 and module.stdout.startswith("usage: apparel [-h]"), module.stdout
    script = Path(sys.executable).parent / PROG
    if not script.is_file():
        pytest.skip(f"{script} is not installed here (the wheel test runs it)")
    installed = subprocess.run([str(script), "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert installed.returncode == 0 and installed.stdout == module.stdout


def _parsers(parser: argparse.ArgumentParser):
    """Every parser under ``parser`` (itself included), with each subcommand's help line."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                assert helps.get(name), f"`{sub.prog}` has no help line"
                yield from _parsers(sub)


def test_every_argument_has_help_and_every_command_a_function():
    leaves = 0
    for parser in _parsers(build_parser()):
        for action in parser._actions:
            if not isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                assert action.help and action.help.strip(), f"`{parser.prog}` {'/'.join(action.option_strings) or action.dest} has no help"
        if not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions):
            leaves += 1  # a command: dispatched through set_defaults(func=...)
            assert callable(parser.get_default("func")) and parser.get_default("command_parser") is parser, parser.prog
    assert leaves == 13  # data info, data export, train, predict, score, classify, sweep, runs list/show/remove, results make/verify/list


def test_defaults_are_written_once():
    """The sweep's defaults come from apparel_lib.tuning.defaults, which the library reads too."""
    import inspect

    from apparel_lib.tuning import defaults, sweep
    from apparel_lib.tuning import space as search_space
    from apparel_lib.tuning import storage as study_storage

    (sweep_parser,) = [p for p in _parsers(build_parser()) if p.prog == "apparel sweep"]
    assert sweep_parser.get_default("heartbeat") == defaults.HEARTBEAT
    assert inspect.signature(study_storage.open_storage).parameters["heartbeat"].default == defaults.HEARTBEAT
    assert sweep_parser.get_default("epochs") == defaults.TRIAL_EPOCHS == search_space.SearchSpace().epochs[1]
    cli_files = sorted(Path(apparel_lib.cli.__file__).parent.glob("*.py"))
    for module in (sweep, study_storage, search_space, *cli_files):  # the numbers themselves are written in defaults only
        source = Path(getattr(module, "__file__", module)).read_text()
        assert not re.search(rf"\b{defaults.HEARTBEAT}\b", source), f"{module.__name__} writes the heartbeat's default"
        assert "epochs: tuple[int, int] = (1, TRIAL_EPOCHS)" in source or module is not search_space


@pytest.mark.slow
def test_bad_inputs_exit_1_with_one_line(tmp_path, data_in_env):
    assert_one_line_failure(run("score", tmp_path / "none.csv"), "not found")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,class\n1,2\n")
    assert_one_line_failure(run("score", bad), "needs exactly id,label")
    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(b"\x00garbage")
    assert_one_line_failure(run("predict", corrupt, "--out", tmp_path / "s.csv"), "not a readable checkpoint")
    assert not (tmp_path / "s.csv").exists()
    assert_one_line_failure(run("train", "--model", "lenet", "--recipe", "tutorial", "--out", tmp_path / "x.pt"), "invalid choice: 'lenet'", "tutorial-cnn", code=2)
    assert_one_line_failure(run("train", "--model", "plain", "--recipe", "minibatch", "--epochs", "0", "--out", tmp_path / "x.pt"), "--epochs", code=2)
    assert_one_line_failure(run("data", "info", "--data", tmp_path / "nowhere"), "nowhere")
    assert_one_line_failure(run("data", "info", "--no-download", env={"APPAREL_DATA": str(tmp_path)}), str(tmp_path))


@pytest.mark.slow
def test_export_refuses_a_non_empty_folder(tmp_path, data_in_env):
    (tmp_path / "keep.txt").write_text("mine")
    assert_one_line_failure(run("data", "export", tmp_path, "--no-progress"), str(tmp_path))
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_help_answers_without_importing_torch():
    code = "import sys, runpy; sys.argv = ['apparel_lib', '--help']\n" \
           "try:\n    runpy.run_module('apparel_lib', run_name='__main__')\nexcept SystemExit:\n    pass\n" \
           "heavy = sorted(m for m in ('torch', 'pandas', 'skimage', 'matplotlib', 'optuna', 'captum', 'PIL') if m in sys.modules)\n" \
           "print('heavy:', heavy)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "usage: apparel " in result.stdout and "runs" in result.stdout
    assert "heavy: []" in result.stdout, result.stdout


def test_model_and_recipe_names_come_from_the_registries(capsys):
    from apparel_lib.models.registry import MODELS
    from apparel_lib.training.recipes import RECIPES

    assert main(["train", "--help"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in [*MODELS, *RECIPES])


def test_runs_list_show_remove(tmp_path, monkeypatch, capsys, data):
    from apparel_lib.data.variants import DataVariant
    from apparel_lib.runs.spec import run_spec
    from apparel_lib.runs.store import RunStore

    monkeypatch.setenv("APPAREL_CACHE", str(tmp_path))
    assert main(["runs", "list"]) == 0 and "no stored runs" in capsys.readouterr().out
    spec = run_spec("linear", data=DataVariant(train_subset=200), epochs=1)
    result = RunStore().get_or_run(spec, data=data, progress=False)
    assert main(["runs", "list"]) == 0
    listed = capsys.readouterr().out
    assert result.key in listed and "linear() · minibatch (1 epoch) · seed 0 · 200 training pictures" in listed
    assert main(["runs", "show", result.key[:5]]) == 0
    shown = capsys.readouterr().out
    assert f"parameters: {result.parameters:,}" in shown and str(result.checkpoint) in shown
    assert main(["runs", "show", "zzz"]) == 1 and "no stored run" in capsys.readouterr().err
    assert main(["runs", "remove"]) == 2 and "--all" in capsys.readouterr().err
    assert main(["runs", "remove", result.key]) == 0 and "removed 1 stored run " in capsys.readouterr().out
    assert RunStore().runs() == []


@pytest.fixture(scope="module")
def small_checkpoint(tmp_path_factory):
    """A best-cnn checkpoint (untrained weights, seed 0): enough to check the command's plumbing."""
    from apparel_lib.models.registry import build_model
    from apparel_lib.training.checkpoint import save_checkpoint
    from apparel_lib.training.history import History
    from apparel_lib.training.recipes import get_recipe

    path = tmp_path_factory.mktemp("ckpt") / "best.pt"
    return save_checkpoint(path, build_model("best-cnn", seed=0), recipe=get_recipe("best", "best-cnn"), history=History(), fingerprint="test")


def test_classify_prints_a_class_and_probabilities_per_picture(small_checkpoint):
    examples = sorted((ROOT / "pictures" / "examples").iterdir())
    result = run("classify", *examples, "--checkpoint", small_checkpoint, "--top", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(examples) and result.stderr == ""
    for path, line in zip(examples, lines):
        # "pictures/examples/bag.png: Bag (31.2%); then Sneaker 20.0%"
        assert line.startswith(f"{path}: ") and line.count("%") == 2 and "; then " in line


def test_classify_bad_pictures_are_one_line_errors(tmp_path, small_checkpoint, capsys):
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "notes.jpg").write_text("not a picture")
    cases = {tmp_path / "missing.png": "not found", tmp_path: "is a folder", tmp_path / "empty.png": "empty file",
             tmp_path / "notes.jpg": "not a picture"}
    bag = ROOT / "pictures" / "examples" / "bag.png"
    for path, fragment in cases.items():
        # every picture is checked before the model loads: a bad one among good ones stops the run
        assert main(["classify", str(bag), str(path), "--checkpoint", str(small_checkpoint)]) == 1
        captured = capsys.readouterr()
        assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
        assert captured.err.startswith(f"error: {path}") or captured.err.startswith(f"error: picture {path}")
        assert fragment in captured.err
    assert main(["classify", str(bag), "--checkpoint", str(tmp_path / "no.pt")]) == 1
    assert "not found" in capsys.readouterr().err
    assert_one_line_failure(run("classify"), "required", code=2)


def test_classify_uses_the_stored_best_cnn_by_default(monkeypatch, capsys):
    """Without --checkpoint the command asks the results store for best-cnn with recipe best."""
    from types import SimpleNamespace

    from apparel_lib.models.registry import build_model
    from apparel_lib.runs import store

    asked = []

    def fake_get_or_run(spec, **options):
        asked.append(spec)
        return SimpleNamespace(load_model=lambda: build_model(spec.model, seed=0).eval())

    monkeypatch.setattr(store, "get_or_run", fake_get_or_run)
    assert main(["classify", str(ROOT / "pictures" / "examples" / "tshirt.png")]) == 0
    captured = capsys.readouterr()
    assert [(s.model, s.recipe.name) for s in asked] == [("best-cnn", "best")]
    assert "tshirt.png: " in captured.out and "%" in captured.out and "best-cnn" in captured.err


def test_a_bad_environment_switch_is_one_line_before_anything_runs(tmp_path, monkeypatch, capsys):
    """Every switch is checked before a command runs, even one the command would never read:
    ``APPAREL_BF16=maybe`` stops a plain network's training (which autocasts nothing), and
    ``APPAREL_LEDGER`` naming a missing folder says so instead of listing no entries."""
    out = tmp_path / "plain.pt"
    monkeypatch.setenv("APPAREL_BF16", "maybe")
    assert main(["train", "--model", "plain", "--epochs", "1", "--out", str(out), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert err == "error: APPAREL_BF16='maybe' is not understood: set it to auto (the default), on or off\n" and not out.exists()
    monkeypatch.setenv("APPAREL_BF16", "off")
    monkeypatch.setenv("APPAREL_LEDGER", str(tmp_path / "missing"))
    assert main(["results", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: APPAREL_LEDGER=") and err.count("\n") == 1 and f"the folder {tmp_path / 'missing'} does not exist" in err
    monkeypatch.setenv("APPAREL_LEDGER", "off")
    assert main(["results", "list"]) == 1 and "no results ledger here" in capsys.readouterr().err


@pytest.mark.slow
def test_a_bad_switch_from_the_shell_is_one_line(tmp_path):
    result = run("train", "--model", "plain", "--out", tmp_path / "x.pt", env={"APPAREL_BF16": "maybe"})
    assert_one_line_failure(result, "APPAREL_BF16='maybe'", "auto (the default), on or off")
