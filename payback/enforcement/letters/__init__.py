"""Letters to the person: written from templates, rendered to PDF, sent through GOV.UK Notify."""
