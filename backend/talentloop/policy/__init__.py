"""Policy data edited by HQ HR with history: the work calendar's entered days and the city social-insurance and housing-fund tables."""
