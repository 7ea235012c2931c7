"""Progress as clerks submit it: judged (`check`), recorded (`record`), read from a CSV (`csv`) or
from a filled-in sheet (`sheet`).

Every rule and every doubt about a submitted figure lives in `check`, for what is typed and for
every import alike; `record` writes nothing until everything was judged.
"""
