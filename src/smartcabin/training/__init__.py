"""Training: the sentences, the labelled logs and the fitting that make the edge model
(`smartcabin train`). The running car never imports this package: it loads the model file."""
