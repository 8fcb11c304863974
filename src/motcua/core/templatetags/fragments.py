"""``{% fragment "name" var… %}…{% endfragment %}``: a piece of a page rendered once per process
and per value of its vary variables (khối trang dựng sẵn), for the parts of public pages that
depend on nothing but the language: the site's header links, the language menu, the footer,
the static asset tags.

Why not Django's ``{% cache %}``: with Redis as the cache each fragment would cost a network
round trip, more than rendering it; these fragments change only with a deploy (templates,
translations, static manifest, settings), which restarts the processes. The memo is cleared
when a setting changes (tests).

What must never be in one: anything of the request or the visitor. The tag refuses to keep a
rendered fragment that holds a CSRF token or a CSP nonce (it renders it afresh each time and
logs an error), so a template edit cannot leak one visitor's token to another. Pass every
variable the fragment reads besides settings as a vary variable — the language always.
"""

from __future__ import annotations

import logging
import threading

from django import template
from django.core.signals import setting_changed
from django.utils.safestring import mark_safe

register = template.Library()
log = logging.getLogger(__name__)

_memo: dict[tuple, str] = {}
_lock = threading.Lock()
# Text that marks something of one request: never kept.
_PER_REQUEST = ("csrfmiddlewaretoken", "nonce=", "X-CSRFToken")


def clear(**kwargs) -> None:
    with _lock:
        _memo.clear()


setting_changed.connect(clear)


class FragmentNode(template.Node):
    def __init__(self, name: str, vary: list, nodelist):
        self.name, self.vary, self.nodelist = name, vary, nodelist

    def render(self, context):
        key = (self.name, *(v.resolve(context) for v in self.vary))
        found = _memo.get(key)
        if found is not None:
            return found
        text = self.nodelist.render(context)
        if any(marker in text for marker in _PER_REQUEST):
            log.error("fragment %r holds a per-request value (CSRF token or nonce): not kept",
                      self.name)
            return text
        text = mark_safe(text)
        with _lock:
            _memo[key] = text
        return text


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError('{% fragment "name" [vary …] %} needs a quoted name')
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    # The name is qualified by the template, so two templates cannot share one by accident.
    origin = getattr(parser, "origin", None)
    name = f"{getattr(origin, 'template_name', '')}:{bits[1][1:-1]}"
    return FragmentNode(name, [parser.compile_filter(b) for b in bits[2:]], nodelist)
