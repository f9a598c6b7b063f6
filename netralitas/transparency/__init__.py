"""Public transparency page per government: declaration completion and enforcement figures, no names."""
