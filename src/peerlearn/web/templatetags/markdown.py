from django import template
from django.utils.safestring import SafeString

from peerlearn.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """`{{ gap.description|markdown }}`: sanitised HTML (peerlearn.markdown)."""
    return render_markdown(text or "")
