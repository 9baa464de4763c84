/// Resource units a request costs, from the documented table: 2 for listing applications and
/// users, delegated grants, an application's extension properties and a service principal's app
/// role assignments; 3 for group members, subscribed SKUs and `getByIds`; 5 for transitive
/// members; 1 otherwise. `$select` takes one off, `$expand` adds one, `$top` under 20 takes one
/// off, and no request costs less than 1.
enum RequestCost {
    static func cost(of route: GraphRoute, request: GraphRequest) -> Int {
        var base = 1
        if request.method == "GET" {
            switch route {
            case .list(.application, nil), .list(.user, nil), .list(.oAuth2PermissionGrant, nil),
                 .item(.oAuth2PermissionGrant, _, nil), .list(.extensionProperty, _):
                base = 2
            case .relation(.appRoleAssignments, .servicePrincipal, _, _):
                base = 2
            case .relation(.members, .group, _, _), .relationCount(.members, .group, _, _), .list(.subscribedSku, nil):
                base = 3
            case .relation(.transitiveMembers, .group, _, _), .relationCount(.transitiveMembers, .group, _, _):
                base = 5
            default:
                break
            }
        } else if case .getByIds = route {
            base = 3
        }
        if request.queryValue("$select") != nil { base -= 1 }
        if request.queryValue("$expand") != nil { base += 1 }
        if let top = request.queryValue("$top").flatMap(Int.init), top < 20 { base -= 1 }
        return max(1, base)
    }
}
