"""Where decoding and checking run (``--engine``): this machine, or a Ray cluster.

``local`` (the default) decodes in this process through the translation cache;
``ray`` (:mod:`translate.engines.ray_engine`, the ``ray`` extra) decodes the same
batches on an actor pool of a Ray cluster and checks on Ray tasks. Both give the
same output; an unknown name lists the valid ones.
"""

from __future__ import annotations

from glossary.errors import ConfigError

ENGINES = ("local", "ray")


def check_engine(name: str) -> str:
    """*name* if it is an engine, else a ConfigError listing them."""
    if name not in ENGINES:
        raise ConfigError(f"unknown engine '{name}' (valid: {', '.join(ENGINES)})")
    return name


__all__ = ["ENGINES", "check_engine"]
