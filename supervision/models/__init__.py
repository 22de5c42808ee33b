# Monthly reports (reports.py) and inspections, rectification and letters (inspections.py).
from .reports import *  # noqa: F401,F403
from .inspections import *  # noqa: F401,F403
from .termination import *  # noqa: F401,F403
