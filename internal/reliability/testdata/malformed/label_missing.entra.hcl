application {
  display_name = "A"
}
