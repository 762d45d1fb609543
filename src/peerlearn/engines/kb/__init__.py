"""Knowledge-base exports: pages as plain data in, files (path -> bytes) out.

``markdown_tree`` (Markdown with YAML front matter, a folder per team), ``wiki_tree``
(flat files for a GitHub/GitLab wiki) and ``html_site`` (a static site that works from
file://) are pure functions of the pages: the same pages give byte-identical files.
``write_tree`` writes such files to a directory incrementally and ``wiki_git.push_wiki``
commits them to a wiki's git repository; ``RenderCache`` keeps rendered Markdown
between exports so an export after a few edits renders only those. No Django here.
"""

from .html_site import html_site, rendered_sources
from .markdown_tree import markdown_tree
from .model import KbExportError, KbPage
from .render_cache import RenderCache
from .wiki_tree import wiki_tree
from .write import MANIFEST, UnsafePath, WriteReport, write_tree

__all__ = [
    "MANIFEST",
    "KbExportError",
    "KbPage",
    "RenderCache",
    "UnsafePath",
    "WriteReport",
    "html_site",
    "markdown_tree",
    "rendered_sources",
    "wiki_tree",
    "write_tree",
]
