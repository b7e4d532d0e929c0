"""HTTP API of the Digilab assistant."""
