"""Test-only helpers (servers, factories). Never imported by the package."""
