"""The emulator's data: HMRC's catalogue of APIs, its sandbox scenarios and examples, the
shapes of explicit test data, and tax identifiers. Pure values; no HTTP."""
