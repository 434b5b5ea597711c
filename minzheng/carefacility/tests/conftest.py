from .stories import care, world_fixture  # noqa: F401
