"""symbackprop.integrations."""
