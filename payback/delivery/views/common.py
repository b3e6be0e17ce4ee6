"""What every delivery page shares: the permissions the pages ask for. Who may open a page, the
signed-in member of staff and a service's errors on a form come from `payback.core.edge`; the
reads that fill the pages' lists are in `payback.delivery.selectors`."""

PLAN = "delivery.add_session"
RUN = "delivery.run_session"
REPORT_INCIDENTS = "delivery.add_incident"
INVESTIGATE = "delivery.change_incident"
RAISE_CONCERNS = "delivery.add_riskconcern"
ACKNOWLEDGE = "delivery.change_riskconcern"
MANAGE_VEHICLES = "delivery.change_vehicle"
TIMESHEETS = "delivery.add_individualplacementtimesheet"
DECIDE = "cases.change_requirement"
