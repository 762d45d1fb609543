"""One router per resource. Each is thin: access checks and writes live in the apps."""
