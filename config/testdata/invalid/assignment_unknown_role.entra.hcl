data "group" "staff" {
  display_name = "Staff"
}

application "orders_api" {
  display_name = "Orders API"
  app_role "admin" {
    value                = "Orders.Admin"
    display_name         = "Administer orders"
    allowed_member_types = ["Application"]
  }
  service_principal {
    app_role_assignment_required = true
    assignment "staff" {
      principal = data.group.staff
      app_role  = "Orders.Admn"
    }
  }
}
