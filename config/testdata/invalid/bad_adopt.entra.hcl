application "legacy" {
  display_name = "legacy"
  adopt        = "my-old-app"
}
