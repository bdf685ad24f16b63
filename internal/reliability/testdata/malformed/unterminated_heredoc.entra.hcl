application "a" {
  notes = <<EOT
never ends
}
