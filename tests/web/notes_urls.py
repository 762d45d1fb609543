"""A test-only page showing notes through `{% notes_markdown %}` (no real notes page yet).

Used with `@pytest.mark.urls("tests.web.notes_urls")`; the site's own URLs follow, so the
base template's links resolve.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from peerlearn.config.urls import urlpatterns as site_urlpatterns

DIAGRAM = """\
Before the diagram, a task:

- [x] draw it

```mermaid
graph TD
  A[Ask] --> B{Known?}
  B -->|yes| C[Pair]
  B -->|no| D[Session]
```
"""

HOSTILE_DIAGRAM = """\
```mermaid
%%{init: {"securityLevel": "loose", "themeCSS": "body {display:none}"}}%%
graph TD
  A["<img src=x onerror=alert(1)>"] --> B["<script>alert(2)</script>"]
  B --> C["<a href='javascript:alert(3)'>go</a>"]
  click A call alert(4)
  click B "javascript:alert(5)"
  click C callback "tip"
```
"""

PLAIN = """\
Notes without a diagram: **bold**, `code`, a footnote[^1].

```python
def pair(a, b):
    return (a, b)
```

https://miro.com/app/board/uXjVexample=/

[^1]: The footnote.
"""

PAGES = {"diagram": DIAGRAM, "hostile": HOSTILE_DIAGRAM, "plain": PLAIN}
TWO_NOTES = [DIAGRAM, DIAGRAM.replace("Ask", "Question")]

_TEMPLATE = engines["django"].from_string(
    '{% extends "base.html" %}{% load markdown %}{% block content %}<h1>Notes</h1>'
    "{% for text in notes %}<article>{% notes_markdown text doc_id=forloop.counter %}</article>"
    "{% endfor %}{% endblock %}"
)


def notes_page(request: HttpRequest, name: str) -> HttpResponse:
    if name == "two":
        notes = TWO_NOTES
    elif name in PAGES:
        notes = [PAGES[name]]
    else:
        raise Http404(name)
    return HttpResponse(_TEMPLATE.render({"notes": notes}, request))


urlpatterns = [path("test-notes/<str:name>/", notes_page), *site_urlpatterns]
