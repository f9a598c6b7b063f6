"""gunicorn hooks; gunicorn reads this file from the folder it starts in (the project root, as the README runs it)."""
from netralitas import InstanceFolderError, ensure_writable_folder, exit_cannot_start, instance_folder


def on_starting(server) -> None:
    """Check the instance folder once, in the master, before any worker starts.

    Without this each worker finds the problem itself and exits with EXIT_CANNOT_START; gunicorn then halts, but
    when two workers exit at nearly the same moment gunicorn 27 raises its halt a second time while stopping and
    ends with a traceback and exit status 1. app.py keeps the worker-side check for servers started elsewhere.
    """
    try:
        ensure_writable_folder(instance_folder())
    except InstanceFolderError as exc:
        if server.pidfile is not None:
            server.pidfile.unlink()
        exit_cannot_start(exc)
