variable "tenant_name" {
  default = "contoso"
}

application "a" {
  display_name = var.tennant_name
}
