"""socialvalue.core must never import Django: it is the library analysts use without a server."""

import subprocess
import sys


def test_core_imports_without_django_loaded():
    code = (
        "import sys, pkgutil, importlib, socialvalue.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'socialvalue.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
