application "a" {
  display_name = "a"
  notes        = file("notes/missing.txt")
}
