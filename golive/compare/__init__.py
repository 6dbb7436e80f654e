"""Pure comparisons of provider records with a profile section: no network, no SDK, testable alone."""
