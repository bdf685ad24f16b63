variable "token" {
  type      = string
  default   = "s3cret"
  sensitive = true
}

output "token" {
  value = var.token
}
