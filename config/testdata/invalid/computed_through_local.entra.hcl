application "api" {
  display_name = "api"
}

locals {
  api = application.api
}

application "client" {
  display_name = "client of ${local.api.object_id}"
}
