locals {
  many = range(100000000)
}
application "a" {
  display_name = "A"
}
