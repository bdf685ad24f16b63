application "a" {
  display_name = "A"
  unique_name  = "same"
}
application "b" {
  display_name = "B"
  unique_name  = "same"
}
