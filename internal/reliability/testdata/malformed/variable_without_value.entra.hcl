variable "name" {
  type = string
}
application "a" {
  display_name = var.name
}
