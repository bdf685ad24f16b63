tenant {
  workspace = "../../etc"
}
