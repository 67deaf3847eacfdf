"""symbackprop.notation."""
