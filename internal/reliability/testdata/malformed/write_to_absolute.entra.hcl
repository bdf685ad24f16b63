application "a" {
  display_name = "A"
  secret "s" {
    write_to = "/etc/cron.d/entraform"
  }
}
