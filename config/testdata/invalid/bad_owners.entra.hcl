data "group" "staff" {
  display_name = "Staff"
}

application "a" {
  display_name = "a"
  owners       = ["alex", data.group.staff, "bea@contoso.com", "BEA@contoso.com"]
}
