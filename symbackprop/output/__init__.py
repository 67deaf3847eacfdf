"""symbackprop.output."""
