resource "azuread_application" "a" {
  display_name = "A"
}
