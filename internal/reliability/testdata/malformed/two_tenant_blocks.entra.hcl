tenant {
  workspace = "a"
}
tenant {
  workspace = "b"
}
