"""Treasury's pure rules: reference prices in force, spend against ceilings, premiums paid,
valuation. Values in, values out; no I/O."""
