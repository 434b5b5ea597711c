"""The registry of batch jobs: code → module with run_embedded(period), run_spark(period, master), describe()."""

from types import ModuleType

from . import monitoring, supervision, verification

JOBS: dict[str, ModuleType] = {
    "supervision": supervision,
    "monitoring": monitoring,
    "verification": verification,
}
