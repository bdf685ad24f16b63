application "orders_api" {
  display_name = "Orders API"
  app_role "admin" {
    value                = "Orders.Admin"
    display_name         = "Administer orders"
    allowed_member_types = []
  }
  app_role "reader" {
    value                = "Orders Reader"
    display_name         = "Read orders"
    allowed_member_types = ["Users"]
  }
}
