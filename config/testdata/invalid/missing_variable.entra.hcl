variable "tenant_id" {
  type        = string
  description = "No default and no value given."
}

tenant {
  id = var.tenant_id
}
