application "a" {
  display_name = "${application.b.display_name} A"
}

application "b" {
  display_name = "${application.a.display_name} B"
}
