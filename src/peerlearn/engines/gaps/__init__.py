"""Gap signals mined from plain data: new technologies, fix commits and their areas."""
