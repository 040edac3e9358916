"""The command line: --help, --version, usage errors, and the demo job on small inputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jaxresample import cli


def test_help_lists_commands_without_importing_jax() -> None:
    code = (
        "import sys; from jaxresample import cli\n"
        "try:\n    cli.main(['--help'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
        "print(sorted(m for m in ('jax', 'nibabel', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert "demo" in out.stdout
    assert out.stdout.strip().endswith("[]")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import jaxresample

    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"jaxresample {jaxresample.__version__}"


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert "usage: jaxresample" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["demo", "--spacing", "1", "0", "1"], "must be a positive finite number, got '0'"),
        (["demo", "--spacing", "1", "nan", "1"], "must be a positive finite number"),
        (["demo", "--spacing", "1", "x", "1"], "not a number: 'x'"),
        (["demo", "--order", "7"], "invalid choice: 7"),
    ],
)
def test_usage_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_demo_missing_input_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["demo", "--input", str(tmp_path / "nope.nii.gz"), "--out-dir", str(tmp_path)])
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("jaxresample demo: error:") and "nope.nii.gz" in err
    assert len(err.splitlines()) == 1
