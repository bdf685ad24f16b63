variable "limit" { default = 90 }

policy "bad-kind" {
  for           = "applications"
  condition     = true
  error_message = "x"
}

policy "bad-severity" {
  for           = "credential"
  condition     = true
  severity      = "fatal"
  error_message = "x"
}

policy "outside-self" {
  for           = "credential"
  condition     = self.expires_in_hours <= var.limit * 24
  error_message = "x"
}

policy "no-condition" {
  for           = "site"
  error_message = "x"
}

policy "dup" {
  for           = "site"
  condition     = true
  error_message = "x"
}

policy "dup" {
  for           = "grant"
  condition     = true
  error_message = "x"
}

ignore "secret-rotation" {
  address = "application.x"
}

ignore "secret-rotation" {
  reason = "  "
}
