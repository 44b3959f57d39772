"""Treatment pages: plans (new plan, plan detail) and pk (predicted levels)."""
