"""The web front's pages, one blueprint per area the applicant meets."""
