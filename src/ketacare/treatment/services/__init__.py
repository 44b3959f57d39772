"""Treatment use cases: plans (schedule from a protocol template), forecast (the stored MADRS
forecast), pk (predicted levels at the chart's weight)."""
