"""symbackprop.verification."""
