"""Constrained decoding, independent of any model library: lexical constraints and the
state a hypothesis keeps about them (``constraints``), the dynamic-beam-allocation search
(``beam``) and prefix repair for fast decoders without constraints (``repair``)."""
