"""Small display widgets for the screens."""
