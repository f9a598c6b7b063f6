"""Entry point for `flask --app app` and gunicorn (`gunicorn app:app`)."""
import sys

from netralitas import InstanceFolderError, create_app

#: gunicorn reads this worker exit status as "the app failed to load" and stops, instead of respawning forever.
EXIT_CANNOT_START = 4

try:
    app = create_app()
except InstanceFolderError as exc:
    # A setup problem with a known fix, not a bug: one line naming the folder, no traceback.
    print(f"netralitas: {exc}", file=sys.stderr)
    sys.exit(EXIT_CANNOT_START)
