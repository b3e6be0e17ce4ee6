"""The person before placement: induction, the versioned UPW assessment with its risk picture,
non-associations, and whether the person can be placed (`rules`, `selectors`, `services`, the
pages in `views` and `forms`, the answers shown back in `display`, and the API in `api`)."""
