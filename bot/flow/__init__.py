"""The conversation layer shared by every admin and member flow: typed state and guarded steps."""
