locals {
  a = "${local.b}-a"
  b = "${local.a}-b"
}

application "x" {
  display_name = local.a
}
