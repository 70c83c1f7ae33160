"""Answer-key generator: proven derivations, traceable numbers, reproducible PDFs, safe publishing."""
