application "a" {
  display_name = "a"
  permission "graph" {
    application = ["Sites.Read.All", "sites.read.all"]
  }
  permission "00000003-0000-0000-c000-000000000000" {
    delegated = ["User.Read"]
  }
}
