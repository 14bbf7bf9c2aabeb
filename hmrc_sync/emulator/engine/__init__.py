"""The emulator's engine: its state (users, grants, test data, availability), the rate
limit, fault injection, and the state and seed files."""
