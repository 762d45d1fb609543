"""Operating an installation: backup and restore, and a worker that outlives outages.

Nothing here is a Django app: these modules are used by the `peerlearn` command.
"""
