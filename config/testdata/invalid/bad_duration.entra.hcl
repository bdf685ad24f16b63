application "a" {
  display_name = "a"
  secret "s" {
    expires_in    = "six months"
    rotate_before = "720h"
  }
  secret "t" {
    expires_in    = "30d"
    rotate_before = "60d"
  }
}
