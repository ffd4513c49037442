"""Reference-free quality estimation: which translated segments to trust.

:func:`load_estimator` gives a :class:`~translate.quality.estimate.QualityEstimator`
for a model; :mod:`~translate.quality.signals` lists what it reads and
:mod:`~translate.quality.calibrate` fits it. Nothing heavy is imported here: the
model stack loads only when an estimator is made.
"""

from __future__ import annotations

from translate.quality.estimate import Label, Quality, QualityEstimator

__all__ = ["Label", "Quality", "QualityEstimator", "load_estimator"]


def load_estimator(model: str | None = None, threads: int = 0) -> QualityEstimator:
    """An estimator over *model* (a directory, a models.lock name, or None: the default),
    for translations made by anyone (``check --quality``)."""
    from translate.backends import make_translator
    from translate.deps import require
    from translate.models import resolve_model

    require("ctranslate2", "check --quality (scoring translations with the model)")
    resolved = resolve_model(model)
    translator = make_translator("auto", resolved.location, resolved.revision, threads)
    return QualityEstimator(translator, resolved.model_id)
