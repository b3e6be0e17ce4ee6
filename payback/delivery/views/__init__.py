"""Pages for sessions and the supervisor's day. Thin: shape of input, one service, GOV.UK errors."""
