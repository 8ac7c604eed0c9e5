"""Dense (vector) indexes over passage embeddings."""
