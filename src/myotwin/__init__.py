"""myotwin: a digital twin of what strength training does to the body's systems."""

__version__ = "0.1.0"
