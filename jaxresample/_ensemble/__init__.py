"""Ensembling of segmentation models: softmax and sigmoid ensembles, votes, uncertainty."""
