"""The emulator's HTTP face: HMRC's gateway checks, the APIs, OAuth pages and token
endpoint, test support, the fraud-header validator and the control API."""
