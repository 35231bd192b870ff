"""Each assignment's hidden checks and typical mistakes, one subpackage per assignment.

A subpackage declares the source assignment it belongs to in its
``__init__.py``, e.g. ``ASSIGNMENT = "02_logistic_regression"``, and
:func:`package_for` finds it by that declaration, never by its folder name.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType


class UnknownAssignmentError(LookupError):
    """No subpackage of ``autograder.assignments`` declares this assignment."""


@cache
def _declared() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__, prefix=f"{__name__}."):
        if not info.ispkg:
            continue
        package = importlib.import_module(info.name)
        assignment = getattr(package, "ASSIGNMENT", None)
        if not isinstance(assignment, str):
            raise TypeError(f'{info.name} must declare the source assignment it belongs to: ASSIGNMENT = "NN_name"')
        if assignment in found:
            raise ValueError(f"{info.name} and {found[assignment].__name__} both declare ASSIGNMENT = {assignment!r}")
        found[assignment] = package
    return found


def packages() -> dict[str, ModuleType]:
    """Source assignment name (``01_numpy_basics``) -> its subpackage, for every subpackage."""
    return dict(_declared())


def package_for(assignment: str) -> ModuleType:
    """The subpackage that declares ``ASSIGNMENT = assignment``."""
    found = _declared()
    if assignment not in found:
        raise UnknownAssignmentError(
            f"no package in {__name__} declares ASSIGNMENT = {assignment!r}; known assignments: {sorted(found)}"
        )
    return found[assignment]
