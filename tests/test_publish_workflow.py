"""The scheduled GitHub Actions workflow that runs `make publish`, checked as data.

actionlint's PyPI wrapper downloads a binary at install time, which this machine cannot, so
the workflow is loaded as YAML and its jobs, triggers and secrets are checked here; its shell
steps go through `bash -n`, and `make -n` shows that the variables it sets reach the command.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def test_it_runs_every_15_minutes_and_on_demand(workflow):
    on = triggers(workflow)
    assert [entry["cron"] for entry in on["schedule"]] == ["*/15 * * * *"]
    fields = on["schedule"][0]["cron"].split()
    assert len(fields) == 5 and all(re.fullmatch(r"[\d*/,-]+", f) for f in fields)
    inputs = on["workflow_dispatch"]["inputs"]
    assert set(inputs) == {"semester", "activity", "dry_run"} and inputs["dry_run"]["type"] == "boolean"


def test_one_job_with_read_only_rights_one_run_at_a_time(workflow):
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    [(name, job)] = workflow["jobs"].items()
    assert job["runs-on"] == "ubuntu-latest" and 0 < job["timeout-minutes"] <= 120
    for step in job["steps"]:
        assert ("uses" in step) != ("run" in step), step
        if "uses" in step:
            assert re.fullmatch(r"actions/(checkout|setup-python|cache)@v\d+", step["uses"]), step["uses"]


def test_the_token_comes_from_a_secret_into_the_environment_only(workflow):
    steps = workflow["jobs"]["publish"]["steps"]
    [publish] = [s for s in steps if "make publish" in s.get("run", "")]
    assert publish["env"]["CANVAS_API_TOKEN"] == "${{ secrets.CANVAS_API_TOKEN }}"
    for step in steps:
        assert "${{" not in step.get("run", ""), "inputs reach the shell through env, never spliced into a script"
        assert "secrets." not in str(step.get("with", {}))
    assert "CANVAS_API_TOKEN" in publish["run"]  # kept through sudo
    text = WORKFLOW.read_text()
    assert text.count("secrets.") == 1


def test_its_shell_steps_parse(workflow, tmp_path):
    for step in workflow["jobs"]["publish"]["steps"]:
        if "run" in step:
            script = tmp_path / "step.sh"
            script.write_text(step["run"])
            subprocess.run(["bash", "-n", str(script)], check=True)


def test_the_variables_it_sets_reach_the_publish_command():
    env = {**os.environ, "SEMESTER": "2027-spring", "ACTIVITY": "activity05", "DRY_RUN": "1", "WAIT": ""}
    shown = subprocess.run(["make", "-n", "publish"], cwd=REPO, env=env,
                           capture_output=True, text=True, check=True).stdout.replace("\\\n", " ")
    [line] = [l for l in shown.splitlines() if "-m generator publish" in l]
    assert "--semester 2027-spring" in line and "--activity activity05" in line and "--dry-run" in line
    env.update(SEMESTER="", ACTIVITY="", DRY_RUN="")
    shown = subprocess.run(["make", "-n", "publish"], cwd=REPO, env=env, capture_output=True, text=True,
                           check=True).stdout.replace("\\\n", " ")
    [line] = [l for l in shown.splitlines() if "-m generator publish" in l]
    assert "--semester" not in line and "--activity" not in line and "--dry-run" not in line
