applicaton "a" {
  display_name = "typo in the block type"
}
