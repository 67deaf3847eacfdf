"""symbackprop.core."""
