locals {
  a = local.b
  b = local.a
}
application "x" {
  display_name = local.a
}
