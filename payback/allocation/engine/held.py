"""The week a worker (process or thread) of a week planned in parts holds: given once, when it
starts (`hold`, its pool's initializer), so that each task sends it only what is the task's own."""

from .border import Week
from .model import Instance, Session

_held: list[Week] = []


def hold(instance: Instance, fits: dict[int, list[Session]]) -> None:
    _held[:] = [Week(instance, fits)]


def held() -> Week:
    return _held[0]
