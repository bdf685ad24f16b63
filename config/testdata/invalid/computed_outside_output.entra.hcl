application "api" {
  display_name = "api"
}

application "client" {
  display_name = "client of ${application.api.app_id}"
}
