"""What the deployment files are checked against: the variables settings.py reads, and YAML loading."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "config" / "settings.py"
ENV_EXAMPLE = ROOT / ".env.example"

# Read by docker compose (interpolated into docker-compose.yml), never by Django.
COMPOSE_ONLY_VARIABLES = {"POSTGRES_PASSWORD"}

_ENV_LINE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=")


def settings_variables() -> dict[str, bool]:
    """Every variable settings.py reads through django-environ, mapped to whether some read has no default.

    A read without a default (env.str("DJANGO_SECRET_KEY")) is one production cannot start without.
    """
    found: dict[str, bool] = {}
    for node in ast.walk(ast.parse(SETTINGS.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        is_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env"
        )
        first = node.args[0]
        if is_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
            required = not any(keyword.arg == "default" for keyword in node.keywords) and len(node.args) == 1
            found[first.value] = found.get(first.value, False) or required
    return found


def env_example_variables(*, active_only: bool = False) -> set[str]:
    """Variable names in .env.example: set ones (NAME=…) and, unless active_only, commented ones (# NAME=…)."""
    names = set()
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = _ENV_LINE.match(line)
        if match and not (active_only and line.startswith("#")):
            names.add(match.group(1))
    return names


def load_yaml(path: Path):
    """PyYAML when installed, else ruamel.yaml (installed with check-jsonschema): both resolve `<<` merges."""
    text = path.read_text(encoding="utf-8")
    try:
        import yaml
    except ImportError:
        from ruamel.yaml import YAML

        return YAML(typ="safe", pure=True).load(text)
    return yaml.safe_load(text)
