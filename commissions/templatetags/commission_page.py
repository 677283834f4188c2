"""`{% stored_body stored %}…{% endstored_body %}`: the commission page's body from the
cache when `stored` (commissions/page_store.py) holds one, otherwise rendered and stored.
The person's own CSRF token is put into the stored body on every answer, and
`{% ago moment %}` told relative to the time of the answer."""

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime

from commissions import page_store

register = template.Library()


@register.simple_tag(takes_context=True)
def ago(context, at) -> str:
    """humanize's naturaltime ("3 hours ago"); in a body being stored, a mark that each
    answer tells afresh."""
    if at is None:
        return ""
    if context.get("storing_body"):
        return page_store.ago_mark(at)
    return naturaltime(at)


class StoredBodyNode(template.Node):
    def __init__(self, stored, nodelist):
        self.stored = stored
        self.nodelist = nodelist

    def render(self, context) -> str:
        stored = self.stored.resolve(context)
        if not stored:
            return self.nodelist.render(context)
        if stored.html is None:
            with context.push(csrf_token=stored.placeholder, storing_body=True):
                stored.store(self.nodelist.render(context))
        return stored.body(str(context.get("csrf_token") or ""))


@register.tag
def stored_body(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("stored_body takes one argument")
    nodelist = parser.parse(("endstored_body",))
    parser.delete_first_token()
    return StoredBodyNode(parser.compile_filter(bits[1]), nodelist)
