"""TalentLoop: an HR system that closes the loop from a missed target to training and its proven effect."""
