"""`{% field_hint field as hint %}` and `|glossary_links`: glossary terms linked to their entries.

A form asks for the links with `glossary = True` (the SROI pages); other forms' hints are shown
as they are.
"""

from django import forms, template
from django.utils.html import escape

from socialvalue.web import glossary

register = template.Library()


@register.simple_tag
def field_hint(field):
    help_text = str(field.help_text or "")
    if getattr(field.form, "glossary", False):
        # A radio button's words count as the label's: the link goes after the hint.
        named = [str(field.label or "")]
        if isinstance(field.field.widget, forms.RadioSelect):
            named += [str(label) for _, label in field.field.choices]
        # Each term is linked once on a form, where it is first named.
        linked = field.form.__dict__.setdefault("_glossary_linked", set())
        return glossary.field_hint(" ".join(named), help_text, linked=linked)
    return escape(help_text)


@register.filter
def glossary_links(text):
    """Link the first mention of each term in a passage of plain text."""
    return glossary.link_terms(text)
