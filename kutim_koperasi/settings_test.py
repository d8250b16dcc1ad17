"""Settings of the test suite (pytest.ini): the development defaults unless the shell sets DJANGO_DEBUG.

Debug is off unless DJANGO_DEBUG=1, and off means a secret key and NIK keys are required: the
suite runs with the development key and keys derived from it, as `make run` does. pytest-django
then runs each test with DEBUG off, as production would.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from kutim_koperasi.settings import *  # noqa: E402, F403
