"""Article controls: authorizations enforced on sale, negative stock per article, the inactive
catalogue."""
