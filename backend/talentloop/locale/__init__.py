"""The server's message catalogues (`<language>/LC_MESSAGES/messages.po`) and their extractor."""
