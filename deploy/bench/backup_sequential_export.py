#!/usr/bin/env python3
"""The way existing tools export a tenant (EntraExporter, Microsoft365DSC): one request at a time,
following every @odata.nextLink, one JSON file per object. Used by deploy/bench/backup as the
baseline; reads the same object types and children Holdfast's catalogue does.

  backup_sequential_export.py --graph URL --login URL --tenant ID --client-id ID --secret-file F --to DIR
                              [--time-limit SECONDS]

Prints one JSON object: {"seconds", "objects", "requests", "complete"}. With --time-limit the export
stops once it has run that long: "complete" is then false and "seconds" is a lower bound of what
the whole export takes (a 100,000-user tenant takes hours this way).
"""
import argparse, json, os, re, time
import requests

TOP_LEVEL = [
    "users", "groups", "applications", "servicePrincipals", "devices", "directoryRoles",
    "directory/administrativeUnits", "identity/conditionalAccess/policies",
    "identity/conditionalAccess/namedLocations", "roleManagement/directory/roleDefinitions",
    "roleManagement/directory/roleAssignments", "oauth2PermissionGrants", "domains", "organization",
    "subscribedSkus", "groupSettings", "groupLifecyclePolicies", "policies/claimsMappingPolicies",
    "policies/tokenLifetimePolicies", "policies/tokenIssuancePolicies",
    "policies/authenticationMethodsPolicy", "policies/authorizationPolicy",
    "policies/crossTenantAccessPolicy", "policies/crossTenantAccessPolicy/default",
    "policies/crossTenantAccessPolicy/partners", "directory/onPremisesSynchronization",
]
# Per object, as the exporters do it: the children Holdfast backs up too.
CHILDREN = {
    "users": ["authentication/methods", "manager"],
    "groups": ["members", "owners", "settings"],
    "applications": ["owners", "federatedIdentityCredentials", "extensionProperties"],
    "servicePrincipals": ["owners", "appRoleAssignedTo", "synchronization/jobs"],
    "directoryRoles": ["members"],
    "directory/administrativeUnits": ["members", "scopedRoleMembers"],
}


def main():
    parser = argparse.ArgumentParser()
    for name in ["graph", "login", "tenant", "client-id", "secret-file", "to"]:
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--time-limit", type=float, default=0, help="stop after this many seconds (0: no limit)")
    args = parser.parse_args()
    secret = open(args.secret_file).read().strip()
    session = requests.Session()
    started = time.monotonic()
    token = session.post(f"{args.login}/{args.tenant}/oauth2/v2.0/token", data={
        "grant_type": "client_credentials", "client_id": args.client_id, "client_secret": secret,
        "scope": "https://graph.microsoft.com/.default"}).json()["access_token"]
    headers = {"Authorization": "Bearer " + token}
    counts = {"objects": 0, "requests": 0}

    class OutOfTime(Exception):
        pass

    def get(url):
        while True:
            if args.time_limit and time.monotonic() - started >= args.time_limit:
                raise OutOfTime()
            counts["requests"] += 1
            response = session.get(url, headers=headers)
            if response.status_code == 429 or response.status_code >= 500:
                time.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            return response

    def write(folder, obj):
        name = re.sub(r"[^A-Za-z0-9._-]", "_", str(obj.get("id", "singleton")))
        path = os.path.join(args.to, folder)
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, name + ".json"), "w") as handle:
            json.dump(obj, handle)
        counts["objects"] += 1

    def export(path, folder):
        url = f"{args.graph}/{path}"
        ids = []
        while url:
            response = get(url)
            if response.status_code != 200:
                return ids
            body = response.json()
            items = body["value"] if "value" in body else [body]
            for item in items:
                write(folder, item)
                if "id" in item:
                    ids.append(item["id"])
            url = body.get("@odata.nextLink")
        return ids

    complete = True
    try:
        for path in TOP_LEVEL:
            ids = export(path, path.replace("/", "_"))
            for child in CHILDREN.get(path, []):
                for object_id in ids:
                    export(f"{path}/{object_id}/{child}", f"{path}_{child}".replace("/", "_"))
    except OutOfTime:
        complete = False
    print(json.dumps({"seconds": round(time.monotonic() - started, 1), **counts, "complete": complete}))


if __name__ == "__main__":
    main()
