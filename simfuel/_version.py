"""The version of simfuel, on the bottom floor so that any module may read it.

Kept apart from ``simfuel/__init__.py`` because the package's face imports (lazily) every
floor: a module that read ``simfuel.__version__`` would depend on the face and on import
order.
"""

__version__ = "0.1.0"
