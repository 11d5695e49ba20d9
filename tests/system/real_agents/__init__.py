"""The real agents in the test suite (issue 8): see README.md."""
