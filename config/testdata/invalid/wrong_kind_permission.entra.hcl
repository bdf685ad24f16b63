application "reader" {
  display_name = "reader"
  permission "graph" {
    application = ["User.Read"]
    delegated   = ["Application.ReadWrite.OwnedBy"]
  }
}
