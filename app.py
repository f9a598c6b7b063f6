"""Entry point for `flask --app app` and gunicorn (`gunicorn app:app`)."""
import sys

from netralitas import EXIT_CANNOT_START, InstanceFolderError, create_app

try:
    app = create_app()
except InstanceFolderError as exc:
    # A setup problem with a known fix, not a bug: one line naming the folder, no traceback.
    print(f"netralitas: {exc}", file=sys.stderr)
    sys.exit(EXIT_CANNOT_START)
