"""Pure rules of the e-inclusion subsidies: exact decimal money, no I/O."""
