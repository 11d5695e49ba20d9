"""classify_http: HTTP clients read the way the server will receive them."""

import pytest

from guardsh.analyzers.http.read import classify_http
from guardsh.model import DYN

RAILWAY = "https://backboard.railway.app/graphql/v2"
AUTH = ["-H", f"Authorization: Bearer {DYN}"]
JSON = ["-H", "Content-Type: application/json"]
FILES = {
    "payload.json": '{"query":"mutation { serviceDelete(id: \\"svc_1\\") }"}',
    "create.json": '{"query":"mutation { projectCreate(input: {name: \\"x\\"}) { id } }"}',
    "delete.cfg": 'url = "https://api.example.com/v1/items/7"\nrequest = "DELETE"\n',
    "dash.cfg": "# comment\n-X DELETE\n--url https://api.example.com/v1/items/8\n",
    "data.cfg": 'data = "{\\"query\\":\\"mutation { volumeDelete(volumeId: \\\\\\"v9\\\\\\") }\\"}"\n'
                f'url = "{RAILWAY}"\nheader = "Authorization: Bearer abc"\n',
    "get.cfg": 'url = "https://example.com/health"\nsilent\n',
    "headers.txt": "X-HTTP-Method-Override: DELETE\nAccept: */*\n",
    "query.graphql": 'mutation { environmentDelete(id: "env_prod") }',
    "vars.json": '{"id": "from-file"}',
    "wgetrc": "method = DELETE\nheader = Authorization: Bearer abc\n",
}


def effects(program, args, stdin=None, files=FILES):
    return classify_http(program, args, files.get, stdin)


def kinds(program, args, stdin=None, files=FILES):
    return sorted((e.kind, e.target) for e in effects(program, args, stdin, files))


def graphql(query, variables=None, url=RAILWAY):
    import json

    body = {"query": query} if variables is None else {"query": query, "variables": variables}
    return ["-X", "POST", url, *AUTH, *JSON, "-d", json.dumps(body)]


def test_the_incident_verbatim():
    args = ["-X", "POST", RAILWAY, "-H", f"Authorization: Bearer {DYN}", "-H",
            "Content-Type: application/json", "-d",
            '{"query":"mutation { volumeDelete(volumeId: \\"3f2a...\\") }"}']
    [effect] = effects("curl", args)
    assert (effect.kind, effect.target) == ("http.graphql-destructive", "3f2a...")
    assert 'volumeDelete(volumeId: "3f2a...")' in effect.detail
    assert "credential: Authorization header (variable or command output)" in effect.detail


DELETE_URL = "https://api.example.com/v1/items/7"


@pytest.mark.parametrize("args", [
    ["-X", "DELETE", DELETE_URL],
    ["-XDELETE", DELETE_URL],
    ["-sXDELETE", DELETE_URL],
    ["-sSfLX", "DELETE", DELETE_URL],
    ["--request", "DELETE", DELETE_URL],
    ["--request=DELETE", DELETE_URL],
    ["-X", "delete", DELETE_URL],
    ["--url", DELETE_URL, "-X", "DeLeTe"],
    ["-o", "out.json", "-X", "DELETE", DELETE_URL],
    ["-w", "%{http_code}", "-XDELETE", DELETE_URL],
    ["--data-b", "x", "-X", "DELETE", DELETE_URL],  # old curl accepts unambiguous prefixes
    ["-X", "POST", "-H", "X-HTTP-Method-Override: DELETE", DELETE_URL],
    ["-X", "POST", "-H", "X-HTTP-Method: delete", DELETE_URL],
    ["-H", "X-Method-Override: DELETE", "-d", "", DELETE_URL],
    ["-H@headers.txt", "-X", "POST", DELETE_URL],
    ["-X", "POST", DELETE_URL + "?_method=DELETE"],
    ["-d", "_method=DELETE&x=1", DELETE_URL],
    ["--json", '{"_method": "DELETE"}', DELETE_URL],
    ["-K", "delete.cfg"],
    ["--config", "dash.cfg"],
    ["-X", "DELETE", "--", DELETE_URL],
])
def test_curl_delete_spellings(args):
    [(kind, target)] = kinds("curl", args)
    assert kind == "http.delete" and target.startswith("https://api.example.com/v1/items/")


def test_delete_target_drops_credentials():
    [effect] = effects("curl", ["-X", "DELETE", f"https://u:p@api.example.com/v1/x?api_key={DYN}&force=1"])
    assert effect.target == "https://api.example.com/v1/x?force=1"
    assert "credential:" in effect.detail and "api_key= in URL (variable or command output)" in effect.detail


@pytest.mark.parametrize("args, detail", [
    (["-X", "DELETE", "https://api.stripe.com/v1/customers/cus_1", "-u", f"{DYN}:"],
     "credential: --user (variable or command output)"),
    (["-X", "DELETE", "https://x.io/a", "-H", "Authorization: token abc"],
     "credential: Authorization header (literal)"),
    (["-X", "DELETE", "https://x.io/a", "-n"], "credential: netrc (file ~/.netrc)"),
    (["-X", "DELETE", "https://x.io/a", "-b", "cookies.txt"], "credential: --cookie (file cookies.txt)"),
    (["-X", "DELETE", "https://x.io/a", "-H", f"X-Api-Key: {DYN}"], "X-Api-Key header"),
])
def test_credential_origin_in_detail(args, detail):
    [effect] = effects("curl", args)
    assert detail in effect.detail


def test_delete_to_elasticsearch_index():
    assert kinds("curl", ["-X", "DELETE", "http://localhost:9200/logs-2024.06"]) == [
        ("http.delete", "http://localhost:9200/logs-2024.06")]


@pytest.mark.parametrize("args", [
    ["-X", f"{DYN}", DELETE_URL],
    [f"-X{DYN}", DELETE_URL],
    ["-X", "POST", "-H", f"X-HTTP-Method-Override: {DYN}", DELETE_URL],
    ["-K", "missing.cfg", DELETE_URL],
    ["-K", "missing.cfg"],  # the URL itself may be in the file
    ["--variable", "m=DELETE", "--expand-request", "{{m}}", DELETE_URL],  # curl 8.3 variables
])
def test_unknown_method(args):
    url = DELETE_URL if DELETE_URL in args else "$?"
    assert ("http.unknown-method", url) in kinds("curl", args)


# ---------------------------------------------------------------- GraphQL
@pytest.mark.parametrize("query, variables, target", [
    ('mutation { volumeDelete(volumeId: "3f2a") }', None, "3f2a"),
    ("mutation($id: String!) { volumeDelete(volumeId: $id) }", {"id": "abc"}, "abc"),
    ("mutation Del($v: String!) { volumeDelete(volumeId: $v) { id } }", '{"v": "str-vars"}', "str-vars"),
    ("mutation($id: String!) { volumeDelete(volumeId: $id) }", None, "volumeDelete"),
    ('mutation { cleanup: volumeDelete(volumeId: "vol_9f2") }', None, "vol_9f2"),
    ('mutation { deleteUser(id: 17) }', None, "17"),
    ('mutation { environment_delete(id: "env_1") }', None, "env_1"),
    ('mutation { projectDelete(id: "prj_acme") }', None, "prj_acme"),
    ('mutation { deploymentRemove(id: "dep_1") }', None, "dep_1"),
    ('mutation { serviceDelete(id: "s", environmentId: "e") }', None, "s"),
    ('mutation { variableDelete(input: {projectId: "p", environmentId: "e", name: "DB_URL"}) }',
     None, "DB_URL"),
    ('mutation { customDomainDelete(id: "dom_1") }', None, "dom_1"),
    ('mutation { teamMemberRemove(input: {teamId: "t", userId: "u"}) }', None, "t"),
    ('mutation { bucketCredentialsReset(bucketId: "b1") }', None, "b1"),
    ('mutation { DELETE_ALL_ROWS }', None, "DELETE_ALL_ROWS"),
    ('mutation { deletevolume(id: "lower") }', None, "lower"),
    ('mutation { ...F } fragment F on Mutation { volumeDelete(volumeId: "via-fragment") }',
     None, "via-fragment"),
    ('mutation { ... on Mutation { serviceDelete(id: "inline") } }', None, "inline"),
    ('query { me { id } } mutation M { projectDelete(id: "second-op") }', None, "second-op"),
])
def test_graphql_destructive(query, variables, target):
    found = kinds("curl", graphql(query, variables))
    assert found == [("http.graphql-destructive", target)]


def test_graphql_one_effect_per_destructive_field():
    query = 'mutation { a: volumeDelete(volumeId: "v1") b: serviceDelete(id: "s1") projectCreate(name: "x") { id } }'
    assert kinds("curl", graphql(query)) == [
        ("http.graphql-destructive", "s1"), ("http.graphql-destructive", "v1")]


def test_graphql_detail_shows_field_and_arguments():
    [effect] = effects("curl", graphql('mutation($id: String!) { volumeDelete(volumeId: $id) }', {"id": "abc"}))
    assert "volumeDelete(volumeId: $id)" in effect.detail and RAILWAY in effect.detail


@pytest.mark.parametrize("args", [
    # JSON escapes hide nothing: \u0076 is `v`, \u006d is `m`
    ["-d", '{"query":"\\u006dutation { \\u0076olumeDelete(volumeId: \\"esc\\") }"}', RAILWAY],
    # batched operations
    ["--json", '[{"query":"query { me { id } }"},{"query":"mutation { volumeDelete(volumeId: \\"esc\\") }"}]', RAILWAY],
    # raw application/graphql body
    ["-H", "Content-Type: application/graphql", "--data-binary",
     'mutation { volumeDelete(volumeId: "esc") }', "https://api.example.com/gql"],
    # query= in a form body, encoded by curl
    ["--data-urlencode", 'query=mutation { volumeDelete(volumeId: "esc") }', RAILWAY],
    # query= in the URL (GET), through -G
    ["-G", "--data-urlencode", 'query=mutation { volumeDelete(volumeId: "esc") }', RAILWAY],
    # a bare document posted to a GraphQL endpoint
    ["-d", 'mutation { volumeDelete(volumeId: "esc") }', RAILWAY],
    # -d @file, --json @file and stdin
    ["-d", '@vol.json', RAILWAY],
    ["--data-binary", "@-", RAILWAY],
    # `-F query=<file`
    ["-F", "query=<vol.graphql", RAILWAY],
    # a -K config carrying everything
    ["-K", "vol.cfg"],
])
def test_graphql_body_forms(args):
    files = {**FILES, "vol.json": '{"query":"mutation { volumeDelete(volumeId: \\"esc\\") }"}\n',
             "vol.graphql": 'mutation { volumeDelete(volumeId: "esc") }',
             "vol.cfg": f'url = {RAILWAY}\ndata-raw = "{{\\"query\\":\\"mutation {{ volumeDelete(volumeId: \\\\\\"esc\\\\\\") }}\\"}}"\n'}
    stdin = '{"query":"mutation { volumeDelete(volumeId: \\"esc\\") }"}'
    assert ("http.graphql-destructive", "esc") in kinds("curl", args, stdin=stdin, files=files)


def test_graphql_variables_from_file_and_config():
    assert kinds("curl", ["-K", "data.cfg"]) == [("http.graphql-destructive", "v9")]
    assert kinds("curl", ["-d", "@payload.json", RAILWAY, *AUTH]) == [
        ("http.graphql-destructive", "svc_1")]


@pytest.mark.parametrize("args", [
    ["-d", '{"query": "mutation { volumeDelete(volumeId: \\"x\\") "}', RAILWAY],  # unbalanced
    ["-d", '{"query": "mutation { volumeDelete(volumeId: "x") }"}', RAILWAY],  # broken JSON
    ["-d", f'{{"query": "mutation {{ {DYN}(id: \\"x\\") }}"}}', RAILWAY],  # field at run time
    ["-d", f'{{"query": "{DYN}"}}', RAILWAY],  # whole document at run time
    ["-d", f'{{"query": {DYN}}}', RAILWAY],  # JSON at run time
    ["-d", f'{{"query": "{DYN} {{ volumeDelete(volumeId: \\"x\\") }}"}}', "https://api.example.com/v1/run"],
])
def test_graphql_unparseable(args):
    url = args[-1]
    assert ("http.graphql-unparseable", url) in kinds("curl", [*args, *AUTH])


def test_search_api_query_key_is_not_graphql():
    search = "https://app-dsn.algolia.net/1/indexes/products/query"
    assert kinds("curl", [search, "-H", f"X-Algolia-API-Key: {DYN}", "-d", f'{{"query": "{DYN}"}}']) == []
    assert kinds("curl", [search, "-d", '{"query": {"match_all": {}}}']) == []


def test_graphql_dynamic_argument_is_still_read():
    found = kinds("curl", graphql(f'mutation {{ volumeDelete(volumeId: "{DYN}") }}'))
    assert found == [("http.graphql-destructive", "$?")]
    assert kinds("curl", graphql(f'mutation {{ projectCreate(name: "{DYN}") {{ id }} }}')) == []


@pytest.mark.parametrize("query", [
    "query { me { name email } }",
    "{ project(id: \"p\") { services { edges { node { name } } } } }",
    'mutation { projectCreate(input: {name: "demo"}) { id } }',
    'mutation { serviceInstanceRedeploy(serviceId: "s", environmentId: "e") }',
    'mutation { variableUpsert(input: {name: "A", value: "b"}) }',
    'mutation { purgeServiceCache(serviceId: "s") }',  # caches refill: nothing lost
    'mutation { purgeCache(zone: "z") }',
    'mutation { deploymentCancel(id: "d") }',  # cancelling a deploy loses no data
    'mutation { undelete(id: "x") }',
    'mutation { commentCreate(body: "please delete this later") { id } }',
    'query { deletedUsers { id } }',
])
def test_graphql_benign(query):
    assert kinds("curl", graphql(query)) == []


# ---------------------------------------------------------------- unseen bodies
@pytest.mark.parametrize("args", [
    ["-X", "POST", RAILWAY, *AUTH, *JSON, "-d", "@missing.json"],
    ["-X", "POST", RAILWAY, "--data-binary", "@-"],  # stdin unknown, GraphQL endpoint
    [RAILWAY, "-d", DYN],  # body only known at run time
    [RAILWAY, "--json", f"{DYN}"],
    ["https://api.example.com/v1/run", *AUTH, "-d", "@missing.json"],
    ["https://api.example.com/v1/run", "-u", "admin:pw", "--data-urlencode", "cmd@missing.txt"],
    ["https://api.example.com/v1/run", *AUTH, "--json", "@-"],
    ["-X", "PUT", "https://api.example.com/v1/run", *AUTH, "-d", f"  {DYN}\n"],
])
def test_body_unreadable(args):
    url = next(a for a in args if a.startswith("https://"))
    assert ("http.body-unreadable", url) in kinds("curl", args)


@pytest.mark.parametrize("args", [
    ["https://api.example.com/v1/run", "-d", "@missing.json"],  # no credentials, not GraphQL
    ["https://uploads.example.com/assets", *AUTH, "-T", "missing.tar.gz"],  # an upload
    ["https://uploads.example.com/assets", *AUTH, "-F", "file=@missing.png"],
    ["https://uploads.example.com/assets", *AUTH, "-H", "Content-Type: application/zip",
     "--data-binary", "@missing.zip"],
    ["-G", "https://api.example.com/search", *AUTH, "-d", "@missing.txt"],  # a GET
    ["https://api.example.com/v1/run", *AUTH, "-d", f"name={DYN}"],  # only a value is dynamic
    ["-X", "POST", "https://api.example.com/v1/hooks/deploy", *AUTH, "-d", ""],  # empty body
])
def test_body_unreadable_not_flagged(args):
    assert not [k for k in kinds("curl", args) if k[0] == "http.body-unreadable"]


# ---------------------------------------------------------------- REST endpoints
@pytest.mark.parametrize("args", [
    ["-X", "POST", "http://localhost:9200/logs/_delete_by_query", "-H", "Content-Type: application/json",
     "-d", '{"query": {"match_all": {}}}'],
    ["-XPOST", "http://localhost:9200/logs/_delete_by_query?q=*"],
    ["--unix-socket", "/var/run/docker.sock", "-X", "POST", "http://localhost/v1.43/volumes/prune"],
    ["-X", "POST", "http://localhost/containers/prune"],
    ["-H", f"X-Vault-Token: {DYN}", "-X", "POST", "-d", '{"versions":[1]}',
     "https://vault.example.com/v1/secret/destroy/db-creds"],
    ["-X", "POST", "http://127.0.0.1:2379/v3/kv/deleterange", "-d", '{"key":"AA==","range_end":"AA=="}'],
    ["-X", "POST", "https://s3.example.com/bucket?delete", "--data-binary", "<Delete/>"],
    ["-X", "POST", "https://secretmanager.googleapis.com/v1/projects/p/secrets/s/versions/1:destroy"],
])
def test_destructive_endpoints(args):
    assert "http.destructive-endpoint" in [k for k, _ in kinds("curl", args)]


@pytest.mark.parametrize("args", [
    ["-X", "POST", "http://localhost:9200/logs/_delete_by_query", "-d", '{"query": {"term": {"user": "bob"}}}'],
    ["-X", "POST", "http://localhost/images/prune"],  # images rebuild
    ["http://localhost/volumes/prune"],  # a GET does nothing
    ["-X", "POST", "https://api.cloudflare.com/client/v4/zones/z/purge_cache", "-d", '{"purge_everything":true}'],
    ["-X", "POST", "https://api.example.com/v1/operations/op1:cancel"],
    ["-X", "POST", "https://api.example.com/v1/things/t1:undelete"],
])
def test_endpoints_not_destructive(args):
    assert kinds("curl", args) == []


# ---------------------------------------------------------------- benign curl
@pytest.mark.parametrize("args", [
    ["https://example.com/delete-account-docs"],
    ["https://x.example.com/docs/delete-api"],
    ["-I", "https://example.com"],
    ["-fsSL", "https://github.com/cli/cli/releases/download/v2.40.0/gh.tar.gz", "-o", "gh.tar.gz"],
    ["-O", "https://example.com/file.tar.gz"],
    ["http://localhost:8080/health"],
    ["-H", f"Authorization: Bearer {DYN}", "https://api.stripe.com/v1/charges?limit=3"],
    ["-X", "POST", "http://localhost:3000/api/login", *JSON, "-d", '{"email":"a@b.c","password":"demo"}'],
    ["-X", "POST", "https://api.example.com/notes", *AUTH, "-d", "note=please delete later"],
    ["-X", "OPTIONS", "https://api.example.com/items"],
    ["-X", "HEAD", "https://api.example.com/items"],
    ["-K", "get.cfg"],
    ["--help", "all"],
    ["--version"],
    ["-d", "@missing.json", "--help"],
    ["-s", RAILWAY, *AUTH, *JSON, "-d", '{"query":"query { me { name email } }"}'],
    ["-w", "-X DELETE", "https://example.com/"],  # -w takes a value: not an option
    ["-A", "-XDELETE", "https://example.com/"],
    ["-e", "-XDELETE", "https://example.com/"],
])
def test_curl_benign(args):
    assert kinds("curl", args) == []


# ---------------------------------------------------------------- wget
@pytest.mark.parametrize("args, kind", [
    (["--method=DELETE", f"--header=Authorization: Bearer {DYN}", "https://api.example.com/v1/projects/42"],
     "http.delete"),
    (["--method", "DELETE", "https://api.example.com/v1/projects/42"], "http.delete"),
    (["--meth=delete", "https://api.example.com/v1/projects/42"], "http.delete"),
    (["-q", "-e", "method=DELETE", "https://api.example.com/v1/projects/42"], "http.delete"),
    (["--config=wgetrc", "https://api.example.com/v1/projects/42"], "http.delete"),
    (["-qO-", "--method=POST", "--header", "X-HTTP-Method-Override: DELETE", "https://api.example.com/v1/projects/42"],
     "http.delete"),
    (["--method=POST", "--body-file=missing.json", "--header=Authorization: Bearer x",
      "https://api.example.com/v1/projects/42"], "http.body-unreadable"),
    (["--post-file=missing.json", "https://api.example.com/graphql"], "http.body-unreadable"),
    (["--method=PATCH", "--body-data", '{"query":"mutation { volumeDelete(volumeId: \\"w\\") }"}',
      "https://api.example.com/graphql"], "http.graphql-destructive"),
    (["--post-data", 'query=mutation { projectDelete(id: "w") }', "https://api.example.com/graphql"],
     "http.graphql-destructive"),
    ([f"--method={DYN}", "https://api.example.com/v1/projects/42"], "http.unknown-method"),
])
def test_wget(args, kind):
    assert kind in [k for k, _ in kinds("wget", args)]


@pytest.mark.parametrize("args", [
    ["https://nodejs.org/dist/v20.11.0/node-v20.11.0-linux-x64.tar.xz"],
    ["-qO-", "https://example.com/delete"],
    ["-O", "--method=DELETE", "https://example.com/x"],  # -O took `--method=DELETE` as a file name
    ["--post-data=comment=delete me", "https://example.com/comments"],
])
def test_wget_benign(args):
    assert kinds("wget", args) == []


# ---------------------------------------------------------------- httpie / xh
@pytest.mark.parametrize("program, args, expected", [
    ("http", ["DELETE", "https://api.example.com/v1/users/17", f"Authorization:Bearer {DYN}"],
     ("http.delete", "https://api.example.com/v1/users/17")),
    ("xh", ["delete", "https://api.example.com/v1/buckets/media", f"Authorization:Bearer {DYN}"],
     ("http.delete", "https://api.example.com/v1/buckets/media")),
    ("https", ["DELETE", "api.example.com/v1/users/17"], ("http.delete", "https://api.example.com/v1/users/17")),
    ("xhs", ["delete", "api.example.com/x"], ("http.delete", "https://api.example.com/x")),
    ("http", ["-v", "--auth-type", "bearer", "-a", "tok", "DELETE", ":3000/items/1"],
     ("http.delete", "http://localhost:3000/items/1")),
    ("xh", ["--https", "delete", "api.example.com/x"], ("http.delete", "https://api.example.com/x")),
    ("http", ["POST", "api.example.com/x", "X-HTTP-Method-Override:DELETE"],
     ("http.delete", "http://api.example.com/x")),
    ("http", ["--form", "POST", "api.example.com/x", "_method=DELETE"], ("http.delete", "http://api.example.com/x")),
    ("http", ["api.example.com/x", "_method==DELETE"], ("http.delete", "http://api.example.com/x?_method=DELETE")),
    ("http", [DYN, "api.example.com/x"], ("http.unknown-method", "http://api.example.com/x")),
    ("http", ["POST", RAILWAY, f"Authorization:Bearer {DYN}",
              'query=mutation { volumeDelete(volumeId: "h1") }'], ("http.graphql-destructive", "h1")),
    ("http", [RAILWAY, "query=mutation($id: String!) { volumeDelete(volumeId: $id) }",
              'variables:={"id": "h2"}'], ("http.graphql-destructive", "h2")),
    ("xh", [RAILWAY, "query=mutation($id: String!) { volumeDelete(volumeId: $id) }",
            "variables:=@vars.json"], ("http.graphql-destructive", "from-file")),
    ("http", [RAILWAY, "query=@query.graphql"], ("http.graphql-destructive", "env_prod")),
    ("http", ["POST", RAILWAY, "@payload.json"], ("http.graphql-destructive", "svc_1")),
    ("http", ["--raw", '{"query":"mutation { projectDelete(id: \\"raw\\") }"}', RAILWAY],
     ("http.graphql-destructive", "raw")),
    ("http", ["-f", "POST", RAILWAY, 'query=mutation { projectDelete(id: "form") }'],
     ("http.graphql-destructive", "form")),
    ("http", ["POST", RAILWAY, f"Authorization:Bearer {DYN}", "@missing.json"],
     ("http.body-unreadable", RAILWAY)),
    ("http", [RAILWAY, f"Authorization:Bearer {DYN}"], ("http.body-unreadable", RAILWAY)),
    ("http", ["-va", "user:pw", "POST", "api.example.com/x", "data=@missing.txt"],
     ("http.body-unreadable", "http://api.example.com/x")),
])
def test_httpie_and_xh(program, args, expected):
    assert expected in kinds(program, args)


def test_httpie_empty_stdin_is_no_body():
    # the lead passes "" when nothing flows into stdin
    assert kinds("http", ["api.example.com/x", f"Authorization:Bearer {DYN}"], stdin="") == []
    assert kinds("http", [RAILWAY, f"Authorization:Bearer {DYN}"], stdin="") == []


def test_httpie_reads_known_stdin():
    stdin = '{"query":"mutation { volumeDelete(volumeId: \\"in\\") }"}'
    assert kinds("http", [RAILWAY], stdin=stdin) == [("http.graphql-destructive", "in")]


@pytest.mark.parametrize("program, args", [
    ("http", ["GET", "https://api.github.com/repos/acme/api"]),
    ("xh", ["get", "https://httpbin.org/get"]),
    ("http", ["https://api.example.com/delete-docs"]),
    ("http", ["POST", "api.example.com/notes", "text=please delete later", f"Authorization:Bearer {DYN}"]),
    ("http", ["--offline", "DELETE", "api.example.com/x"]),
    ("xh", ["--curl", "delete", "api.example.com/x"]),
    ("http", ["POST", RAILWAY, 'query=mutation { projectCreate(name: "x") { id } }']),
    ("http", ["-I", RAILWAY, "Authorization:Bearer x"]),  # --ignore-stdin: no body
    ("http", ["--help"]),
    ("http", ["POST", "api.example.com/upload", "file@missing.png", f"Authorization:Bearer {DYN}"]),
])
def test_httpie_benign(program, args):
    assert kinds(program, args) == []


def test_unknown_program_is_ignored():
    assert classify_http("lynx", ["-X", "DELETE", "https://x"], FILES.get, None) == []
