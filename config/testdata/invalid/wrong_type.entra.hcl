application "a" {
  display_name  = "a"
  admin_consent = "yes please"
}
