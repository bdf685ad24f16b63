variable "env" {
  default = "prod!"
  validation {
    condition     = can(regex("^[a-z]+$", var.env))
    error_message = "The env must be lower-case letters."
  }
}
application "a" {
  display_name = var.env
}
