application "a" {
  display_name = application.a.app_id
}
