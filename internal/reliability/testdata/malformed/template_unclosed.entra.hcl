application "a" {
  display_name = "${var.x"
}
