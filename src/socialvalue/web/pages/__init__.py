"""The home page and navigation shared across the areas of the product."""
