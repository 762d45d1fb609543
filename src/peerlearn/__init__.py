"""peerlearn: an engineering team's peer-learning program, end to end."""

__version__ = "0.1.0"
