"""The LLM tier: what the edge routes away goes to an OpenAI-compatible model."""
