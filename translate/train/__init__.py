"""Training the project's own MarianMT models from a recipe (``python -m translate.train``):
data mixing and filtering (``data``), recipes (``recipe``), the training loop (``__main__``)."""
