"""What the tests share: builders that make records through the real services."""
