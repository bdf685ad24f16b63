locals {
  long  = join("", [for i in range(257) : "n"])
  path  = join("", [for i in range(250) : "p"])
  many  = [for i in range(250) : "https://app.contoso.com/cb/${i}"]
  fed   = join("", [for i in range(601) : "s"])
  fine  = join("", [for i in range(256) : "n"])
}

application "long_name" {
  display_name = local.long
  web {
    redirect_uris = ["https://app.contoso.com/${local.path}"]
  }
}

application "many_redirects" {
  display_name = local.fine
  web { redirect_uris = local.many }
  spa { redirect_uris = ["https://spa.contoso.com/a", "https://spa.contoso.com/b", "https://spa.contoso.com/c", "https://spa.contoso.com/d", "https://spa.contoso.com/e", "https://spa.contoso.com/f", "https://spa.contoso.com/g"] }
}

application "personal" {
  display_name     = "Personal"
  sign_in_audience = "AzureADandPersonalMicrosoftAccount"
  web { redirect_uris = slice(local.many, 0, 101) }
}

application "federated" {
  display_name = "Federated"
  federated_credential "github" {
    issuer      = "https://token.actions.githubusercontent.com"
    subject     = local.fed
    description = local.fed
    audiences   = ["api://AzureADTokenExchange", "api://other"]
  }
}
