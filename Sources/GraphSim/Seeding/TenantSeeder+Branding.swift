import Foundation

extension TenantSeeder {
    /// Sign-in branding: a default with the tenant's name, colours and images, and a French
    /// localization in tenants big enough to have offices abroad.
    mutating func seedBranding() {
        guard !profile.isEmpty, let organization = directory.collection(.organization).elements.first?.id else { return }
        let path = "c1c6b6c8-\(random.string(40, alphabet: "abcdefghijklmnopqrstuvwxyz0123456789"))/logintenantbranding/0"
        let stamp = 637_535_563_816_027_796 + random.below(1_000_000)
        let defaults: JSONObject = [
            "backgroundColor": "#0F4C81", "backgroundImageRelativeUrl": .string("\(path)/illustration?ts=\(stamp)"),
            "bannerLogoRelativeUrl": .string("\(path)/bannerlogo?ts=\(stamp + 8_602)"),
            "signInPageText": .string(directory.displayName), "squareLogoRelativeUrl": .string("\(path)/tilelogo?ts=\(stamp + 16_861)"),
            "usernameHintText": .string("someone@\(primaryDomain)"), "customPrivacyAndCookiesUrl": .string("https://\(primaryDomain)/privacy"),
            "loginPageTextVisibilitySettings": [
                "hideCannotAccessYourAccount": false, "hideAccountResetCredentials": false, "hideTermsOfUse": true,
                "hidePrivacyAndCookies": false, "hideResetItNow": false, "hideForgotMyPassword": false,
            ],
        ]
        directory.insert(.organizationalBrandingLocalization,
                         directory.brandingObject(organization: organization, id: "0", properties: defaults), parent: organization)
        guard profile.users >= 500 else { return }
        directory.insert(.organizationalBrandingLocalization, directory.brandingObject(organization: organization, id: "fr-FR", properties: [
            "backgroundColor": "#0F4C81", "signInPageText": .string("Bienvenue chez \(directory.displayName)"),
            "usernameHintText": .string("quelquun@\(primaryDomain)"),
        ]), parent: organization)
    }
}
