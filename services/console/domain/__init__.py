"""The console's pure rules: metrics read back into numbers, rates, hops, timelines, shares."""
