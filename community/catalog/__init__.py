"""The catalog: shops (with verification and security deposit), categories, products and
their variants."""
