"""Demo data: staff who can sign in, people on probation with their orders and hours, and the work
(assessments, projects, nominations, sessions) built on them. `manage.py seed_demo` builds it all;
`manage.py demo_signins` lists the sign-ins. See docs/demo-data.md."""
