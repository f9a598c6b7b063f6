"""Entry point for `flask --app app` and gunicorn (`gunicorn app:app`)."""
from netralitas import InstanceFolderError, create_app, exit_cannot_start

try:
    app = create_app()
except InstanceFolderError as exc:
    exit_cannot_start(exc)  # one line naming the folder, no traceback
