"""Pure statistics: standard library only, no Django, so any app, command or notebook can use them."""
