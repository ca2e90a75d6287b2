"""The demo company A of the product brochure, generated deterministically."""
