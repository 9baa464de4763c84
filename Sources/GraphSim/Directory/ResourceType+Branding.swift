/// Company branding: the default sign-in branding (localization `0`) and one localization per
/// locale, under `/organization/{id}/branding/localizations`. The property list follows the v1.0
/// organizationalBrandingProperties table; images are Stream properties, not part of the object.
extension ResourceType {
    static let brandingProperties = [
        "@odata.id", "id", "backgroundColor", "backgroundImageRelativeUrl", "bannerLogoRelativeUrl", "cdnList",
        "contentCustomization", "customAccountResetCredentialsUrl", "customCannotAccessYourAccountText",
        "customCannotAccessYourAccountUrl", "customCSSRelativeUrl", "customForgotMyPasswordText", "customPrivacyAndCookiesText",
        "customPrivacyAndCookiesUrl", "customResetItNowText", "customTermsOfUseText", "customTermsOfUseUrl",
        "faviconRelativeUrl", "headerBackgroundColor", "headerLogoRelativeUrl", "loginPageLayoutConfiguration",
        "loginPageTextVisibilitySettings", "signInPageText", "squareLogoDarkRelativeUrl", "squareLogoRelativeUrl",
        "usernameHintText",
    ]

    public static let organizationalBrandingLocalization = ResourceType(
        name: "organizationalBrandingLocalization",
        entitySet: "organization('{id}')/branding/localizations",
        properties: brandingProperties,
        readOnly: ["@odata.id", "id", "backgroundImageRelativeUrl", "bannerLogoRelativeUrl", "cdnList", "customCSSRelativeUrl",
                   "faviconRelativeUrl", "headerLogoRelativeUrl", "squareLogoDarkRelativeUrl", "squareLogoRelativeUrl"],
        read: .any("OrganizationalBranding.Read.All", "OrganizationalBranding.ReadWrite.All", "Organization.Read.All",
                   "Organization.ReadWrite.All"),
        write: .any("OrganizationalBranding.ReadWrite.All", "Organization.ReadWrite.All")
    )
}
