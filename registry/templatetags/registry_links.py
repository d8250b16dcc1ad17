"""A link repeated on every row of a table: `{% row_url "registry:member_detail" member.pk %}`.

What `{% url %}` gives. `{% url %}` resolves the pattern on every call, about a tenth of a millisecond:
sixty links on a profile were a sixth of its rendering. This is the `url()` the Jinja2 rows use
(registry/jinja_environment.py): with whole-number arguments (ids, years) the name is reversed
once per process and script prefix with stand-ins that each row's numbers replace; other arguments
(a slug) go through `reverse()` as `{% url %}` would.
"""

from django import template

from ..jinja_environment import url

register = template.Library()

row_url = register.simple_tag(url, name="row_url")
