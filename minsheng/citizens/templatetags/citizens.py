from django import template

from minsheng.citizens.masking import mask_name, mask_phone

register = template.Library()


@register.filter
def phone(value: str, show_full: bool = False) -> str:
    """`{{ resident.phone|phone:show_full_phone }}`: masked unless the viewer may see it."""
    return value if show_full else mask_phone(value)


@register.filter
def masked_name(value: str) -> str:
    return mask_name(value)
