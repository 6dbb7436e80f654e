"""One module per checklist item: the profile section that item reads."""
