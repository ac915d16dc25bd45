"""Reading survey exports and inventories, validating every row, loading them into the workspace."""
