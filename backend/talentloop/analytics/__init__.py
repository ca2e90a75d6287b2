"""Analytics: the training-effect report — root cause, measured effect, ROI, events, exports."""
