"""The social layer: friends, follows, blocks, posts, comments, likes, notifications and the
home feed."""
