from tests.knowledge.conftest import register, roots, source

__all__ = ["register", "roots", "source"]
