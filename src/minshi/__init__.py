"""minshi: a district's key livelihood projects (重点民生实事) as data, through the year."""

__version__ = "0.1.0"
