"""The trader gateway: traders' HTTP API over their legs, fills, declines and offers."""
