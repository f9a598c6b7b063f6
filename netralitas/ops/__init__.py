"""Operations: health check, request logs, backups."""
