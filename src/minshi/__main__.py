"""The `minshi` command: the console script (`minshi.__main__:main`) and `python -m minshi`.

A run switches the cyclic garbage collector off before anything is imported. A command is a
short process that builds its objects once and leaves (`cli.main`); the collector would walk
them again and again as they are made (a province's notices are tens of thousands of objects)
and find next to nothing: minshi's objects do not form cycles. Imported as a library, minshi
leaves the collector alone.
"""

import gc

gc.disable()

from minshi.cli import main  # noqa: E402  (imported with the collector off)

__all__ = ["main"]

if __name__ == "__main__":
    main()
