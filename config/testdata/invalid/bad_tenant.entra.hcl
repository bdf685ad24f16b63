tenant {
  id        = "not a tenant"
  cloud     = "azure"
  workspace = "hr apps"
}
